import KubeWire
import NIOCore

/// What runs behind an upgraded connection (exec/attach, port-forward). Every call is made
/// on the connection's event loop.
protocol StreamSession: AnyObject {
    func start(_ link: WebSocketStreamHandler)
    /// One whole binary (or text) message from the client: channel byte, then data.
    func received(_ message: [UInt8])
    /// The client closed, went away, or broke the protocol: stop the children.
    func clientGone()
}

/// The server side of RFC 6455 after the 101, on KubeWire's codec: decodes client frames
/// (masked), answers pings, runs the close handshake, and writes channel frames for the session.
final class WebSocketStreamHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// How long to wait for the client's close frame after ours.
    static let closeWait: TimeAmount = .seconds(2)

    private var decoder = WebSocketDecoder(maxFrameSize: 64 << 20, maxMessageSize: 64 << 20, expectMasked: true)
    private var context: ChannelHandlerContext?
    private let session: any StreamSession
    private(set) var closeSent = false
    private var closeReceived = false
    private var gone = false
    private var closeTimer: Scheduled<Void>?
    /// `stream-drop`: cut the connection after this many bytes sent, or this long after the upgrade.
    private let drop: APIFaults.StreamDrop?
    private var bytesSent = 0
    private var dropTimer: Scheduled<Void>?
    private var cut = false

    init(session: any StreamSession, drop: APIFaults.StreamDrop? = nil) {
        self.session = session
        self.drop = drop
    }

    var eventLoop: (any EventLoop)? { context?.eventLoop }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if let seconds = drop?.afterSeconds {
            let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
            dropTimer = context.eventLoop.scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) { bound.value.cutConnection() }
        }
        if context.channel.isActive { session.start(self) } else { clientGone() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        closeTimer?.cancel()
        dropTimer?.cancel()
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        guard !closeReceived, let bytes = buffer.readBytes(length: buffer.readableBytes) else { return }
        let messages: [WebSocketMessage]
        do {
            messages = try decoder.push(bytes)
        } catch {
            sendClose(code: error.closeCode)
            closeReceived = true
            clientGone()
            return
        }
        for message in messages {
            switch message {
            case .binary(let payload):
                if !closeSent, !payload.isEmpty { session.received(payload) }
            case .text(let text):
                if !closeSent, !text.isEmpty { session.received(Array(text.utf8)) }
            case .ping(let payload):
                write(WebSocketFrame(opcode: .pong, payload: payload))
            case .pong:
                break
            case .close(let code, _):
                closeReceived = true
                clientGone()
                if closeSent { finishClose(context) } else { sendClose(code: code) }
                return
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        clientGone()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        clientGone()
        context.close(promise: nil)
    }

    private func clientGone() {
        guard !gone else { return }
        gone = true
        session.clientGone()
    }

    // MARK: output (event loop only)

    @discardableResult
    private func write(_ frame: WebSocketFrame) -> EventLoopFuture<Void>? {
        guard let context, context.channel.isActive else { return nil }
        let bytes = frame.encoded(maskKey: nil)
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        let written = context.writeAndFlush(wrapOutboundOut(buffer))
        bytesSent += bytes.count
        if let limit = drop?.afterBytes, bytesSent >= limit {
            let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
            written.whenComplete { _ in bound.value.cutConnection() }
        }
        return written
    }

    /// The injected fault: the session's children stop and the TCP connection closes with no
    /// WebSocket close frame, as when a load balancer or a node drops a long stream.
    func cutConnection() {
        guard !cut, let context else { return }
        cut = true
        closeSent = true
        closeTimer?.cancel()
        dropTimer?.cancel()
        clientGone()
        context.channel.close(promise: nil)
    }

    /// A binary message `[channel] + data`; the future completes once it reached the socket
    /// (nil when nothing was written: closed, or the client is gone).
    @discardableResult
    func send(channel: UInt8, _ data: [UInt8]) -> EventLoopFuture<Void>? {
        guard !closeSent, !gone else { return nil }
        var payload = [UInt8]()
        payload.reserveCapacity(data.count + 1)
        payload.append(channel)
        payload.append(contentsOf: data)
        return write(WebSocketFrame(opcode: .binary, payload: payload))
    }

    /// A binary message of raw bytes (the SPDY tunnel: no channel byte).
    @discardableResult
    func sendRaw(_ data: [UInt8]) -> EventLoopFuture<Void>? {
        guard !closeSent, !gone else { return nil }
        return write(WebSocketFrame(opcode: .binary, payload: data))
    }

    /// Our close frame (`nil` code: an empty close); the connection ends when the client
    /// answers, or after `closeWait`.
    func sendClose(code: UInt16? = 1000) {
        guard !closeSent, let context else { return }
        closeSent = true
        if let code {
            write(.close(code: code))
        } else {
            write(WebSocketFrame(opcode: .close, payload: []))
        }
        if closeReceived {
            finishClose(context)
        } else {
            let channel = context.channel
            closeTimer = context.eventLoop.scheduleTask(in: Self.closeWait) { channel.close(promise: nil) }
        }
    }

    private func finishClose(_ context: ChannelHandlerContext) {
        closeTimer?.cancel()
        let channel = context.channel
        // After the last write is flushed.
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(capacity: 0))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    /// Stops (false) or resumes (true) reading the client: backpressure towards a slow child.
    func setReading(_ on: Bool) {
        guard let context else { return }
        context.channel.setOption(ChannelOptions.autoRead, value: on).whenComplete { _ in }
        if on { context.read() }
    }
}
