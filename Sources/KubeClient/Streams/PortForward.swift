import KubeConfig
import KubeModel
import KubeWire
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One port-forward stream (`v4.channel.k8s.io`) to one port of a pod.
public final class PortForwardStream: @unchecked Sendable {
    let ws: WebSocketConnection
    var demux: PortForwardDemux
    public let port: UInt16
    let server: String
    /// `namespace/pod`, for messages.
    let target: String
    private var early: [[UInt8]] = []
    public private(set) var remoteError: String?

    init(ws: WebSocketConnection, port: UInt16, server: String, target: String = "") {
        self.ws = ws
        self.target = target
        self.port = port
        self.server = server
        self.demux = PortForwardDemux(ports: [port])
    }

    /// Waits for both channel preambles; data that follows is kept for `pump`.
    func waitReady() throws(KubeError) {
        var ready = false
        while !ready {
            guard let messages = try ws.receive() else {
                throw KubeError(kind: .streamClosed, message: "port-forward to port \(port) closed before it was ready", server: server)
            }
            if try absorb(messages, onData: { early.append($0) }) { ready = true }
        }
    }

    /// Decodes `messages`: data to `onData`, an error channel's text into `remoteError`; true
    /// when a channel's preamble (ready) was among them.
    private func absorb(_ messages: [WebSocketMessage], onData: ([UInt8]) throws(KubeError) -> Void) throws(KubeError) -> Bool {
        var ready = false
        for message in messages {
            guard case .binary(let payload) = message else { continue }
            for event in try decode(payload) {
                switch event {
                case .ready: ready = true
                case .data(_, let bytes): try onData(bytes)
                case .error(_, let text): remoteError = text
                }
            }
        }
        return ready
    }

    /// What the pod's side did first, before anything was sent.
    public enum FirstAnswer: Sendable, Equatable { case data, closed, silent }

    /// Waits up to `timeoutMs` for the pod's first bytes without sending any (SSH speaks first):
    /// they stay for `pump`, so this stream can still carry the whole connection. `.closed` when
    /// the stream ended with no byte (the target refused), `.silent` when nothing came in time.
    public func awaitFirstData(timeoutMs: Int32) throws(KubeError) -> FirstAnswer {
        var waited: Int32 = 0
        while early.isEmpty {
            guard let messages = try ws.poll() else {
                if ws.closeFrameReceived { return .closed }
                throw KubeError(kind: .streamClosed, message: "lost connection to pod \(target): the port-forward stream to port \(port) was cut before any byte, without a WebSocket close frame", server: server)
            }
            _ = try absorb(messages, onData: { early.append($0) })
            if let remoteError { throw KubeError(kind: .server, message: remoteError, server: server) }
            if !early.isEmpty || !messages.isEmpty { continue }
            guard waited < timeoutMs else { return .silent }
            var fds = [pollfd(fd: ws.fileDescriptor, events: Int16(POLLIN), revents: 0)]
            let slice = min(100, timeoutMs - waited)
            if Glibc.poll(&fds, 1, slice) == 0 { waited += slice }
        }
        return .data
    }

    /// Ends the stream without pumping it.
    public func close() { ws.close() }

    private func decode(_ payload: [UInt8]) throws(KubeError) -> [PortForwardEvent] {
        do { return try demux.receive(payload) } catch {
            throw KubeError(kind: .invalidResponse, message: error.description, server: server)
        }
    }

    /// Copies bytes both ways between `fd` (a local socket or pipe pair) and
    /// the pod's port until either side ends. Writes block, so a slow reader
    /// slows the sender end to end.
    public func pump(readFD: Int32, writeFD: Int32) throws(KubeError) {
        defer { ws.close() }
        for bytes in early { try write(writeFD, bytes) }
        early = []
        var localOpen = true
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            guard let messages = try ws.poll() else {
                // A server that ends a stream sends a close frame; without one the connection was cut.
                if !ws.closeFrameReceived {
                    throw KubeError(kind: .streamClosed,
                                    message: "lost connection to pod \(target): the port-forward stream to port \(port) was cut after \(ws.bytesReceived) byte\(ws.bytesReceived == 1 ? "" : "s"), without a WebSocket close frame",
                                    server: server)
                }
                break
            }
            _ = try absorb(messages, onData: { bytes throws(KubeError) in try write(writeFD, bytes) })
            if let remoteError { throw KubeError(kind: .server, message: remoteError, server: server) }
            if !messages.isEmpty { continue }
            var fds = [pollfd(fd: ws.fileDescriptor, events: Int16(POLLIN), revents: 0)]
            if localOpen { fds.append(pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)) }
            if Glibc.poll(&fds, nfds_t(fds.count), 1000) < 0 && errno != EINTR { break }
            if localOpen, fds.count > 1, fds[1].revents != 0 {
                let n = Glibc.read(readFD, &buffer, buffer.count)
                if n > 0 {
                    try ws.send(PortForwardDemux.encode(portIndex: 0, Array(buffer[0..<n])))
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    // The protocol has no half-close: keep reading the pod's answer until it closes.
                    localOpen = false
                }
            }
        }
    }

    private func write(_ fd: Int32, _ bytes: [UInt8]) throws(KubeError) {
        var copy = bytes
        guard StandardStreams.write(fd: fd, bytes: &copy) else {
            throw KubeError(kind: .cancelled, message: "local side closed (\(Files.errorText(errno)))", server: server)
        }
    }
}

extension KubeClient {
    /// Opens a port-forward stream to `port` of a pod, ready to pump.
    public func portForward(namespace: String, pod: String, port: UInt16) throws(KubeError) -> PortForwardStream {
        let path = ResourcePath.pods(namespace, pod).path + "/portforward?ports=\(port)"
        let ws = try WebSocketConnection.open(transport: transport, path: path, protocols: [PortForwardProtocol.name])
        let stream = PortForwardStream(ws: ws, port: port, server: config.server, target: "\(namespace)/\(pod)")
        try stream.waitReady()
        return stream
    }
}
