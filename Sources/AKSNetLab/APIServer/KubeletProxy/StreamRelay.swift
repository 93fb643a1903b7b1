import NIOCore

/// kube-apiserver's upgrade-aware proxy after the 101: bytes go unchanged between the client's
/// connection and the kubelet's, in both directions, as ByteBuffers (no copy, no re-framing).
/// One relay sits on each channel (both on one event loop); a side reads only while the other
/// side can take its writes, so a slow reader slows the child down instead of filling memory.
/// The client's side also carries the `stream-drop` fault: it cuts both connections after
/// N bytes sent to the client or a duration, with no WebSocket close frame.
final class StreamRelay: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Big enough that a 256 KiB chunk of a child's output never waits on a watermark.
    static let waterMark = ChannelOptions.Types.WriteBufferWaterMark(low: 1 << 20, high: 4 << 20)

    private var partner: StreamRelay?
    private var context: ChannelHandlerContext?
    private var pendingRead = false
    private var closing = false
    private var cutDone = false
    /// Client side only.
    private let drop: APIFaults.StreamDrop?
    private var bytesToClient = 0
    private var frames: FrameBoundaries?
    private var dropTimer: Scheduled<Void>?

    private init(drop: APIFaults.StreamDrop?) {
        self.drop = drop
        frames = drop?.afterBytes.map { FrameBoundaries(limit: $0) }
    }

    /// The client's relay (with the fault in force when the stream started) and the kubelet's.
    static func pair(drop: APIFaults.StreamDrop?) -> (client: StreamRelay, kubelet: StreamRelay) {
        let client = StreamRelay(drop: drop)
        let kubelet = StreamRelay(drop: nil)
        client.partner = kubelet
        kubelet.partner = client
        return (client, kubelet)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if let seconds = drop?.afterSeconds {
            let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
            dropTimer = context.eventLoop.scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) { bound.value.cut() }
        }
        if !context.channel.isActive { partner?.closeAfterWrites() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        dropTimer?.cancel()
        self.context = nil
        partner = nil
    }

    // MARK: inbound: what this side received goes to the other side

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        partner?.send(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        partner?.context?.flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        partner?.closeAfterWrites()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { partner?.resumeReading() }
        context.fireChannelWritabilityChanged()
    }

    // MARK: outbound: read only while the partner can take the bytes

    func read(context: ChannelHandlerContext) {
        if partner?.context?.channel.isWritable ?? true {
            context.read()
        } else {
            pendingRead = true
        }
    }

    // MARK: called by the partner

    private func send(_ buffer: ByteBuffer) {
        guard let context, !closing else { return }
        guard var frames else {
            context.write(wrapOutboundOut(buffer), promise: nil)
            return
        }
        // stream-drop after N bytes: the frame that crosses N goes out whole, then the cut.
        frames.feed(buffer.readableBytesView)
        self.frames = frames
        let start = bytesToClient
        bytesToClient += buffer.readableBytes
        guard let cutPoint = frames.cutPoint, cutPoint <= bytesToClient else {
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
            return
        }
        var rest = buffer
        let last = rest.readSlice(length: cutPoint - start) ?? rest
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(last)).whenComplete { _ in bound.value.cut() }
        closing = true
    }

    private func resumeReading() {
        guard pendingRead, let context else { return }
        pendingRead = false
        context.read()
    }

    /// The other side ended: finish writing what it sent, then close this side.
    private func closeAfterWrites() {
        guard let context, !closing else { return }
        closing = true
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(capacity: 0))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    /// The injected fault: both connections close now; the client gets no close frame, the
    /// kubelet sees its client gone and stops the session's children.
    private func cut() {
        guard let context, !cutDone else { return }
        cutDone = true
        closing = true
        dropTimer?.cancel()
        partner?.context?.close(promise: nil)
        context.close(promise: nil)
    }
}
