import NIOCore
import NIOHTTP1

/// A handler that answers with a chunked body written over time (logs, watches): the API
/// server's request handler and the lab kubelet's. `stopStream` ends what feeds it.
protocol ChunkedResponder: ChannelInboundHandler where OutboundOut == HTTPServerResponsePart {
    var stopStream: (() -> Void)? { get set }
}

extension ChunkedResponder {
    /// Starts a chunked response (no Content-Length: NIO's encoder chunks HTTP/1.1 bodies).
    func writeStreamHead(context: ChannelHandlerContext, head: HTTPRequestHead, contentType: String) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Cache-Control", value: "no-cache, private")
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))), promise: nil)
    }

    func writeChunk(context: ChannelHandlerContext, _ bytes: [UInt8]) {
        guard context.channel.isActive, !bytes.isEmpty else { return }
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        writeChunk(context: context, buffer)
    }

    func writeChunk(context: ChannelHandlerContext, _ buffer: ByteBuffer) {
        guard context.channel.isActive, buffer.readableBytes > 0 else { return }
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
    }

    func finish(context: ChannelHandlerContext, keepAlive: Bool) {
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    /// Ends the running stream (timeout, end of log) and the response.
    func endStream(context: ChannelHandlerContext, keepAlive: Bool) {
        guard let stop = stopStream else { return }
        stopStream = nil
        stop()
        if context.channel.isActive { finish(context: context, keepAlive: keepAlive) }
    }
}
