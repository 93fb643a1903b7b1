import CCurl
import KubeConfig
import KubeModel
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// REST over libcurl with the kubeconfig's TLS, credentials, proxy and
/// impersonation. Connections are kept in a pool of easy handles; failed
/// attempts are retried by `RetryDecision`'s rule (CurlTransport+Send).
public final class CurlTransport: Sendable {
    public let config: RESTConfig
    public let retry: RetryPolicy
    let credentials: CredentialSource
    private let pool: HandlePool
    static let userAgent = "kubectl-aksnet/\(BuildInfo.version) (linux/\(BuildInfo.architecture)) libcurl"

    public convenience init(config: RESTConfig, environment: [String: String] = Environment.current().variables,
                            retry: RetryPolicy = .standard) {
        self.init(config: config, retry: retry, credentials: CredentialSource(config: config, environment: environment),
                  pool: HandlePool())
    }

    private init(config: RESTConfig, retry: RetryPolicy, credentials: CredentialSource, pool: HandlePool) {
        self.config = config
        self.retry = retry
        self.credentials = credentials
        self.pool = pool
    }

    /// The same transport (connections, cached exec credential) with another
    /// retry policy: `.cleanup` for paths that must not leave things behind.
    public func withRetry(_ policy: RetryPolicy) -> CurlTransport {
        CurlTransport(config: config, retry: policy, credentials: credentials, pool: pool)
    }

    /// Calls of the exec credential plugin so far (0 without one).
    public var execPluginCalls: Int { credentials.exec?.calls ?? 0 }

    // MARK: one attempt

    /// One attempt. Transfer failures come back with their outcome for the
    /// retry rule; only missing credentials throw.
    func perform(_ request: HTTPRequest, timeout: Double?, onData: (([UInt8]) -> Bool)?,
                 isCancelled: @escaping () -> Bool) throws(KubeError) -> Attempt {
        let creds = try credentials.current()
        guard let handle = pool.checkout() else {
            return .failed(KubeError(kind: .connection, message: "cannot create a libcurl handle", server: config.server), .fatal)
        }
        var reusable = true
        defer { pool.checkin(handle, reusable: reusable) }
        let transfer = Transfer(upload: request.body ?? [], onData: onData, isCancelled: isCancelled)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        let url = config.server + request.path
        let started = monotonicSeconds()
        let code: CURLcode = withExtendedLifetime(transfer) {
            let user = Unmanaged.passUnretained(transfer).toOpaque()
            configure(handle, request: request, url: url, timeout: timeout, creds: creds, user: user, headers: &headerList)
            return curl_easy_perform(handle.raw)
        }
        let elapsedMs = Int(saturating: (monotonicSeconds() - started) * 1000)
        if Log.enabled(6) {
            let outcome = code == CURLE_OK ? "\(transfer.status) \(Self.reasonText(transfer.status))" : "failed (\(handle.errorText))"
            Log.write("\(request.method) \(url) \(outcome) in \(elapsedMs) milliseconds")
            logDetails(request: request, headers: headerListForLog(request: request, creds: creds), transfer: transfer)
        }
        if code != CURLE_OK {
            reusable = false
            // A stream the consumer or the caller stopped is a normal end, not an error.
            if code == CURLE_WRITE_ERROR, onData != nil, !transfer.overflow { return .answered(response(transfer)) }
            if code == CURLE_ABORTED_BY_CALLBACK {
                return .failed(KubeError(kind: .cancelled, message: "request cancelled", server: config.server), .fatal)
            }
            if transfer.overflow {
                return .failed(KubeError(kind: .invalidResponse, message: "response from \(url) is larger than \(transfer.maxBody) bytes",
                                         server: config.server), .fatal)
            }
            let error = CurlErrors.map(code, detail: handle.errorText, osErrno: handle.info(CURLINFO_OS_ERRNO), server: config.server, config: config)
            return .failed(error, CurlErrors.outcome(code))
        }
        return .answered(response(transfer))
    }

    private func response(_ transfer: Transfer) -> HTTPResponse {
        HTTPResponse(status: transfer.status, headers: transfer.headers, body: transfer.body)
    }

    private func configure(_ h: CurlHandle, request: HTTPRequest, url: String, timeout: Double?, creds: RequestCredentials,
                           user: UnsafeMutableRawPointer, headers: inout UnsafeMutablePointer<curl_slist>?) {
        prepareConnection(h, url: url, creds: creds)
        // What is left of --request-timeout: it bounds the call, retries included, as in client-go.
        // Saturating: the flag is bounded, but a trap here would take the whole plugin down.
        if let timeout, !request.isStream { h.set(CURLOPT_TIMEOUT_MS, max(1, Int(saturating: min(timeout, Durations.maxSeconds) * 1000))) }
        // libcurl silently resends a request whose reused connection died before any answer byte;
        // for a request that is not safe twice, a new connection leaves that choice to our rule.
        if request.safety != .idempotent { h.set(CURLOPT_FRESH_CONNECT, 1) }
        if !config.disableCompression { h.set(CURLOPT_ACCEPT_ENCODING, "") }
        _ = ccurl_setopt_write_function(h.raw, TransferCallbacks.write)
        _ = ccurl_setopt_pointer(h.raw, CURLOPT_WRITEDATA, user)
        _ = ccurl_setopt_header_function(h.raw, TransferCallbacks.header)
        _ = ccurl_setopt_pointer(h.raw, CURLOPT_HEADERDATA, user)
        _ = ccurl_setopt_xferinfo_function(h.raw, TransferCallbacks.progress)
        _ = ccurl_setopt_pointer(h.raw, CURLOPT_XFERINFODATA, user)
        h.set(CURLOPT_NOPROGRESS, 0)

        switch request.method {
        case "GET": h.set(CURLOPT_HTTPGET, 1)
        case "HEAD": h.set(CURLOPT_NOBODY, 1)
        case "POST": h.set(CURLOPT_POST, 1)
        default:
            h.set(CURLOPT_CUSTOMREQUEST, request.method)
            if request.body != nil { h.set(CURLOPT_UPLOAD, 1) }
        }
        if let body = request.body {
            _ = ccurl_setopt_read_function(h.raw, TransferCallbacks.read)
            _ = ccurl_setopt_pointer(h.raw, CURLOPT_READDATA, user)
            if request.method == "POST" {
                _ = ccurl_setopt_off(h.raw, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            } else {
                _ = ccurl_setopt_off(h.raw, CURLOPT_INFILESIZE_LARGE, curl_off_t(body.count))
            }
        }
        var all: [(String, String)] = [("Accept", request.accept)]
        if let contentType = request.contentType { all.append(("Content-Type", contentType)) }
        all.append(("Expect", ""))
        all += creds.headers
        all += config.impersonation.headers
        all += request.headers
        for (name, value) in all {
            headers = curl_slist_append(headers, value.isEmpty ? "\(name):" : "\(name): \(value)")
        }
        _ = ccurl_setopt_slist(h.raw, CURLOPT_HTTPHEADER, headers)
    }

    /// What every connection needs: TLS, client certificate, proxy, time-outs.
    func prepareConnection(_ h: CurlHandle, url: String, creds: RequestCredentials) {
        _ = ccurl_setopt_pointer(h.raw, CURLOPT_ERRORBUFFER, h.errorBuffer)
        h.set(CURLOPT_NOSIGNAL, 1)
        h.set(CURLOPT_USERAGENT, Self.userAgent)
        h.set(CURLOPT_TCP_KEEPALIVE, 1)
        h.set(CURLOPT_CONNECTTIMEOUT_MS, 30_000)
        TLSOptions.apply(config: config, creds: creds, to: h, url: url)
        if !config.proxyURL.isEmpty {
            // Go's socks5 dialer hands the host name to the proxy; curl does that for socks5h.
            let proxy = config.proxyURL.lowercased().hasPrefix("socks5://") ? "socks5h://" + config.proxyURL.dropFirst(9) : config.proxyURL
            h.set(CURLOPT_PROXY, proxy)
            if proxy.lowercased().hasPrefix("https://"), !config.tls.caFile.isEmpty || !config.tls.caData.isEmpty {
                // An https proxy is checked against the system CAs unless the cluster CA signed it (a lab, a test).
                if !config.tls.caData.isEmpty { h.set(CURLOPT_PROXY_CAINFO_BLOB, blob: config.tls.caData) } else { h.set(CURLOPT_PROXY_CAINFO, config.tls.caFile) }
            }
        }
    }

    private func headerListForLog(request: HTTPRequest, creds: RequestCredentials) -> [(String, String)] {
        [("Accept", request.accept), ("User-Agent", Self.userAgent)] + creds.headers + config.impersonation.headers + request.headers
    }

    private func logDetails(request: HTTPRequest, headers: [(String, String)], transfer: Transfer) {
        if Log.enabled(7) {
            for (name, value) in headers { Log.write("Request Header: \"\(name): \(Log.redact(header: name, value: value))\"") }
        }
        if Log.enabled(8), let body = request.body {
            Log.write("Request Body: \(String(decoding: body.prefix(10240), as: UTF8.self))")
        }
        if Log.enabled(9) {
            for (name, value) in transfer.headers { Log.write("Response Header: \"\(name): \(Log.redact(header: name, value: value))\"") }
        }
        if Log.enabled(8), !transfer.body.isEmpty {
            Log.write("Response Body: \(String(decoding: transfer.body.prefix(10240), as: UTF8.self))")
        }
    }

    static func reasonText(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 204: return "No Content"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 409: return "Conflict"
        case 410: return "Gone"
        case 422: return "Unprocessable Entity"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return ""
        }
    }
}

/// Idle easy handles, each keeping its connection open for the next request.
/// Shared by the transports `withRetry` makes.
final class HandlePool: Sendable {
    private let handles = Mutex<[CurlHandle]>([])

    func checkout() -> CurlHandle? {
        if let handle = handles.withLock({ $0.popLast() }) {
            handle.reset()
            return handle
        }
        return CurlHandle()
    }

    func checkin(_ handle: CurlHandle, reusable: Bool) {
        guard reusable else { return }
        handles.withLock { if $0.count < 8 { $0.append(handle) } }
    }
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func sleepSeconds(_ seconds: Double) {
    // Waits come from servers too (Retry-After): clamp rather than trap on an absurd one.
    guard seconds > 0, seconds.isFinite else { return }
    let whole = Durations.wholeSeconds(seconds)
    var ts = timespec(tv_sec: whole, tv_nsec: Int(saturating: (min(seconds, Durations.maxSeconds) - Double(whole)) * 1e9))
    var remaining = timespec()
    while nanosleep(&ts, &remaining) != 0 && errno == EINTR { ts = remaining }
}
