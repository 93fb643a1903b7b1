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

    /// Opens `path` (with its query) and upgrades, offering `protocols`. Until
    /// the 101 the upgrade is retried by `RetryDecision`'s rule for upgrades
    /// (Retry-After answers, failures before sending, a connection lost before
    /// the 101), within the transport's policy and `--request-timeout`.
    static func open(transport: CurlTransport, path: String, protocols: [String]) throws(KubeError) -> WebSocketConnection {
        let config = transport.config
        let started = monotonicSeconds()
        var attempt = 0
        while true {
            attempt += 1
            let failure: KubeError
            let outcome: AttemptOutcome
            switch try openOnce(transport: transport, path: path, protocols: protocols) {
            case .upgraded(let connection): return connection
            case .failed(let error, let how):
                failure = error
                outcome = how
            }
            let decision = RetryDecision.decide(.upgrade, attempt: attempt, outcome: outcome, elapsed: monotonicSeconds() - started,
                                                policy: transport.retry, timeout: config.requestTimeout,
                                                jitter: Double.random(in: 0.8...1.2))
            guard case .retry(let wait) = decision else { throw failure }
            if Log.enabled(6) {
                let what = failure.httpStatus.map { "\($0) \(CurlTransport.reasonText($0))" } ?? "failed (\(failure.message))"
                Log.write("GET \(config.server)\(path) (upgrade) \(what): retrying in \(RetryLog.duration(wait)) (retry \(attempt)/\(RetryDecision.limit(outcome, policy: transport.retry)))")
            }
            sleepSeconds(wait)
        }
    }

    enum UpgradeAttempt {
        case upgraded(WebSocketConnection)
        case failed(KubeError, AttemptOutcome)
    }

    /// One upgrade: failures the rule may retry come back with their outcome;
    /// the rest (no credentials, a broken answer) throw.
    private static func openOnce(transport: CurlTransport, path: String, protocols: [String]) throws(KubeError) -> UpgradeAttempt {
        let config = transport.config
        let creds = try transport.credentials.current()
        guard let handle = CurlHandle() else { throw KubeError(kind: .connection, message: "cannot create a libcurl handle", server: config.server) }
        let url = config.server + path
        transport.prepareConnection(handle, url: url, creds: creds)
        handle.set(CURLOPT_CONNECT_ONLY, 1)
        // Streams are bulk: TLS read-ahead halves the recv() calls (OpenSSL reads header, then body).
        _ = ccurl_enable_tls_read_ahead(handle.raw)
        // An h2 ALPN answer would make the raw upgrade impossible.
        handle.set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))
        let code = curl_easy_perform(handle.raw)
        guard code == CURLE_OK else {
            let error = CurlErrors.map(code, detail: handle.errorText, osErrno: handle.info(CURLINFO_OS_ERRNO), server: config.server, config: config)
            if Log.enabled(6) { Log.write("GET \(url) (upgrade) failed (\(error.message))") }
            return .failed(error, CurlErrors.outcome(code))
        }
        var sock: curl_socket_t = -1
        _ = ccurl_getinfo_socket(handle.raw, CURLINFO_ACTIVESOCKET, &sock)
        guard sock >= 0 else { throw KubeError(kind: .connection, message: "no socket after connecting", server: config.server) }

        let key = Base64.encode((0..<16).map { _ in UInt8.random(in: 0...255) })
        let hostHeader = ServerURL(config.server).map { "\(TLSOptions.hostLiteral($0.host)):\($0.port)" } ?? ""
        var headers: [(String, String)] = [("Host", hostHeader), ("User-Agent", CurlTransport.userAgent)]
        headers += creds.headers
        headers += config.impersonation.headers
        let prefix = ServerURL(config.server).map { _ in pathPrefix(config.server) } ?? ""
        let request = WebSocketHandshake.request(path: prefix + path, key: key, protocols: protocols, headers: headers)
        if Log.enabled(6) { Log.write("GET \(url) (upgrade: \(protocols.joined(separator: ", ")))") }
        if Log.enabled(7) {
            for (name, value) in headers { Log.write("Request Header: \"\(name): \(Log.redact(header: name, value: value))\"") }
        }
        var received: [UInt8] = []
        var headEnd: Int?
        do throws(KubeError) {
            try sendAll(handle: handle, socket: sock, Array(request.utf8), server: config.server)
            while headEnd == nil {
                let chunk = try receiveSome(handle: handle, socket: sock, server: config.server, wait: true) ?? []
                guard !chunk.isEmpty else {
                    return .failed(KubeError(kind: .streamClosed, message: "the server closed the connection during the upgrade of \(path)", server: config.server), .lost)
                }
                received += chunk
                headEnd = findHeadEnd(received)
                if received.count > 64 << 10 && headEnd == nil {
                    throw KubeError(kind: .invalidResponse, message: "upgrade response head too large", server: config.server)
                }
            }
        } catch where error.kind == .streamClosed {
            return .failed(error, .lost)
        }
        guard let headEnd else { throw KubeError(kind: .invalidResponse, message: "no upgrade response", server: config.server) }
        let head = String(decoding: received[..<headEnd], as: UTF8.self)
        var rest = Array(received[(headEnd + 4)...])
        let outcome: WebSocketHandshake.Outcome
        do {
            outcome = try WebSocketHandshake.check(responseHead: head, key: key, offered: protocols)
        } catch {
            throw KubeError(kind: .invalidResponse, message: "upgrade of \(path) failed: \(error.reason)", server: config.server)
        }
        switch outcome {
        case .upgraded(let chosen):
            if Log.enabled(6) { Log.write("upgraded \(url) to \(chosen ?? "no subprotocol")") }
            return .upgraded(try WebSocketConnection(handle: handle, socket: sock, server: config.server, subprotocol: chosen, leftover: rest))
        case .refused(let status, let responseHeaders):
            // Read the error body (Content-Length, or until the server closes).
            let length = responseHeaders.first { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1.trimmed) }
            while length.map({ rest.count < $0 }) ?? true {
                guard let chunk = try? receiveSome(handle: handle, socket: sock, server: config.server, wait: true), !chunk.isEmpty else { break }
                rest += chunk
                if rest.count > 1 << 20 { break }
            }
            if Log.enabled(6) { Log.write("GET \(url) \(status) \(CurlTransport.reasonText(status)) (upgrade refused)") }
            var error = KubeError.fromResponse(code: status, body: rest, server: config.server)
            if rest.isEmpty, status == 403 {
                error.message = "the server refused the upgrade (403): none of the subprotocols \(protocols.joined(separator: ", ")) is supported"
                error.status?.message = error.message
            }
            let retryAfter = responseHeaders.last { $0.0.lowercased() == "retry-after" }?.1
            return .failed(error, .answered(status: status, retryAfter: RetryAfter.seconds(retryAfter)))
        }
    }

    static func pathPrefix(_ server: String) -> String {
        // A server URL may carry a path (a proxy in front of the API): keep it.
        let pieces = server.split(separator: "://", maxSplits: 1)
        guard pieces.count == 2, let slash = pieces[1].firstIndex(of: "/") else { return "" }
        return String(pieces[1][slash...])
    }

    static func findHeadEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i
        }
        return nil
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
