import CCurl
import KubeConfig
import KubeModel
import KubeWire

/// The HTTP/1.1 upgrade that turns a CONNECT_ONLY connection into a
/// WebSocket, retried until the 101 by the retry rule.
extension WebSocketConnection {
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
}
