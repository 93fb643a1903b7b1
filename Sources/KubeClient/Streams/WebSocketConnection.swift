import CCurl
import KubeConfig
import KubeModel
import KubeWire
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A WebSocket to the API server over libcurl, which has no WebSocket
/// support here (7.88): CONNECT_ONLY opens TCP+TLS (and any proxy) with the
/// kubeconfig's settings, then we write the HTTP/1.1 upgrade and speak
/// RFC 6455 with curl_easy_send/recv. One thread drives a connection.
public final class WebSocketConnection: @unchecked Sendable {
    let handle: CurlHandle
    let socket: Int32
    let server: String
    public let subprotocol: String?
    private var decoder = WebSocketDecoder(maxFrameSize: 16 << 20, maxMessageSize: 64 << 20)
    private var pending: [WebSocketMessage] = []
    private var receiveBuffer = [UInt8](repeating: 0, count: 256 << 10)
    private var closed = false
    private var sentClose = false
    /// True once the server's close frame arrived: an end without it is a cut connection.
    public private(set) var closeFrameReceived = false
    /// Payload bytes of the messages received so far.
    public private(set) var bytesReceived = 0

    init(handle: CurlHandle, socket: Int32, server: String, subprotocol: String?, leftover: [UInt8]) throws(KubeError) {
        self.handle = handle
        self.socket = socket
        self.server = server
        self.subprotocol = subprotocol
        if !leftover.isEmpty { try absorb(leftover) }
    }

    // MARK: raw I/O

    static func sendAll(handle: CurlHandle, socket: Int32, _ bytes: [UInt8], server: String) throws(KubeError) {
        var offset = 0
        while offset < bytes.count {
            var sent = 0
            let code = bytes.withUnsafeBytes { buffer -> CURLcode in
                guard let base = buffer.baseAddress else { return CURLE_OK }
                return curl_easy_send(handle.raw, base + offset, buffer.count - offset, &sent)
            }
            if code == CURLE_AGAIN {
                try waitFor(socket: socket, events: Int16(POLLOUT), timeoutMs: -1, server: server)
                continue
            }
            guard code == CURLE_OK else {
                throw KubeError(kind: .streamClosed, message: "stream to \(server) dropped while sending: \(String(cString: curl_easy_strerror(code)))", server: server)
            }
            offset += sent
        }
    }

    /// Up to 256 KiB; empty means the peer closed. With `wait`, blocks until something arrives.
    static func receiveSome(handle: CurlHandle, socket: Int32, server: String, wait: Bool) throws(KubeError) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        return try receiveSome(handle: handle, socket: socket, server: server, wait: wait, into: &buffer)
    }

    /// One `curl_easy_recv` into `buffer` (reused: zeroing a fresh 256 KiB per read cost a fifth
    /// of the CPU at full speed); its bytes, [] at EOF, nil when nothing waits and `wait` is false.
    static func receiveSome(handle: CurlHandle, socket: Int32, server: String, wait: Bool,
                            into buffer: inout [UInt8]) throws(KubeError) -> [UInt8]? {
        while true {
            var n = 0
            let code = buffer.withUnsafeMutableBytes { curl_easy_recv(handle.raw, $0.baseAddress, $0.count, &n) }
            if code == CURLE_AGAIN {
                guard wait else { return nil }
                try waitFor(socket: socket, events: Int16(POLLIN), timeoutMs: -1, server: server)
                continue
            }
            guard code == CURLE_OK else {
                throw KubeError(kind: .streamClosed, message: "stream from \(server) dropped: \(String(cString: curl_easy_strerror(code)))", server: server)
            }
            return Array(buffer[0..<n])
        }
    }

    static func waitFor(socket: Int32, events: Int16, timeoutMs: Int32, server: String) throws(KubeError) {
        var fd = pollfd(fd: socket, events: events, revents: 0)
        while Glibc.poll(&fd, 1, timeoutMs) < 0 {
            guard errno == EINTR else { throw KubeError(kind: .streamClosed, message: "poll: \(Files.errorText(errno))", server: server) }
        }
    }

    // MARK: messages

    private func absorb(_ bytes: [UInt8]) throws(KubeError) {
        do {
            pending += try decoder.push(bytes)
        } catch {
            throw KubeError(kind: .invalidResponse, message: "bad frame from \(server): \(error.reason)", server: server)
        }
    }

    /// Sends one binary (or other) message, masked as a client must.
    public func send(_ payload: [UInt8], opcode: WebSocketOpcode = .binary) throws(KubeError) {
        let key = (0..<4).map { _ in UInt8.random(in: 0...255) }
        try Self.sendAll(handle: handle, socket: socket, WebSocketFrame(opcode: opcode, payload: payload).encoded(maskKey: key), server: server)
    }

    /// Messages that are ready now, without blocking (answers pings itself).
    /// nil when the connection has ended (close frame or EOF). Reads stop
    /// once a message is ready: the caller writes it out before we read
    /// more, so a slow consumer slows the server instead of filling memory.
    public func poll() throws(KubeError) -> [WebSocketMessage]? {
        if closed && pending.isEmpty { return nil }
        var budget = 1 << 20
        while !closed, pending.isEmpty || budget > 0 {
            guard let chunk = try Self.receiveSome(handle: handle, socket: socket, server: server, wait: false,
                                                   into: &receiveBuffer) else { break }
            if chunk.isEmpty {
                closed = true
                break
            }
            budget -= chunk.count
            try absorb(chunk)
            if !pending.isEmpty { break }
        }
        let ready = pending
        pending = []
        var out: [WebSocketMessage] = []
        for message in ready {
            switch message {
            case .ping(let data): try? send(data, opcode: .pong)
            case .pong: continue
            case .close(let code, _):
                closeFrameReceived = true
                if !sentClose { try? send([UInt8(((code ?? 1000) >> 8) & 0xFF), UInt8((code ?? 1000) & 0xFF)], opcode: .close); sentClose = true }
                closed = true
                out.append(message)
            case .binary(let data):
                bytesReceived += data.count
                out.append(message)
            default: out.append(message)
            }
        }
        if out.isEmpty && closed { return nil }
        return out
    }

    /// Blocks until messages arrive or the connection ends.
    public func receive() throws(KubeError) -> [WebSocketMessage]? {
        while true {
            guard let messages = try poll() else { return nil }
            if !messages.isEmpty { return messages }
            try Self.waitFor(socket: socket, events: Int16(POLLIN), timeoutMs: -1, server: server)
        }
    }

    public var fileDescriptor: Int32 { socket }
    public var isClosed: Bool { closed }

    public func close(code: UInt16 = 1000) {
        guard !sentClose else { return }
        sentClose = true
        try? send([UInt8(code >> 8), UInt8(code & 0xFF)], opcode: .close)
    }
}
