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
/// impersonation. Connections are kept in a pool of easy handles; idempotent
/// requests are retried on connection failures, 429 and 5xx.
public final class CurlTransport: Sendable {
    public let config: RESTConfig
    public let retry: RetryPolicy
    let credentials: CredentialSource
    private let pool = Mutex<[CurlHandle]>([])
    static let userAgent = "kubectl-aksnet/\(BuildInfo.version) (linux/\(BuildInfo.architecture)) libcurl"

    public init(config: RESTConfig, environment: [String: String] = Environment.current().variables,
                retry: RetryPolicy = RetryPolicy()) {
        self.config = config
        self.retry = retry
        self.credentials = CredentialSource(config: config, environment: environment)
    }

    /// Calls of the exec credential plugin so far (0 without one).
    public var execPluginCalls: Int { credentials.exec?.calls ?? 0 }

    // MARK: requests

    /// Sends a request and returns any answer that is not retried; callers
    /// turn non-2xx into errors (`KubeError.fromResponse`).
    public func send(_ request: HTTPRequest) throws(KubeError) -> HTTPResponse {
        var attempt = 0
        var refreshedAfter401 = false
        while true {
            attempt += 1
            let response: HTTPResponse
            do {
                response = try perform(request, onData: nil, isCancelled: { false })
            } catch {
                if error.isRetryableConnectionFailure, request.isIdempotent, attempt < retry.maxAttempts {
                    sleepSeconds(retry.backoff(attempt: attempt))
                    continue
                }
                throw error
            }
            if response.status == 401, !refreshedAfter401, credentials.invalidate() {
                refreshedAfter401 = true
                attempt -= 1
                continue
            }
            if (response.status == 429 || response.status >= 500), request.method != "POST", request.isIdempotent,
               attempt < retry.maxAttempts {
                let wait = retry.wait(attempt: attempt, retryAfter: response.header("Retry-After"))
                if Log.enabled(6) { Log.write("Got a Retry-After \(wait)s response for attempt \(attempt) to \(request.path)") }
                sleepSeconds(wait)
                continue
            }
            return response
        }
    }

    /// A streaming request (watch, logs): `onData` gets each chunk of a 2xx
    /// answer until it returns false, the server ends it, or `isCancelled`.
    /// Non-2xx answers come back whole, as from `send`.
    public func stream(_ request: HTTPRequest, onData: @escaping ([UInt8]) -> Bool,
                       isCancelled: @escaping () -> Bool) throws(KubeError) -> HTTPResponse {
        var refreshedAfter401 = false
        while true {
            let response = try perform(request, onData: onData, isCancelled: isCancelled)
            if response.status == 401, !refreshedAfter401, credentials.invalidate() {
                refreshedAfter401 = true
                continue
            }
            return response
        }
    }

    // MARK: one attempt

    private func perform(_ request: HTTPRequest, onData: (([UInt8]) -> Bool)?,
                         isCancelled: @escaping () -> Bool) throws(KubeError) -> HTTPResponse {
        let creds = try credentials.current()
        guard let handle = checkout() else {
            throw KubeError(kind: .connection, message: "cannot create a libcurl handle", server: config.server)
        }
        var reusable = true
        defer { checkin(handle, reusable: reusable) }
        let transfer = Transfer(upload: request.body ?? [], onData: onData, isCancelled: isCancelled)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        let url = config.server + request.path
        let started = monotonicSeconds()
        let code: CURLcode = withExtendedLifetime(transfer) {
            let user = Unmanaged.passUnretained(transfer).toOpaque()
            configure(handle, request: request, url: url, creds: creds, user: user, headers: &headerList)
            return curl_easy_perform(handle.raw)
        }
        let elapsedMs = Int((monotonicSeconds() - started) * 1000)
        if Log.enabled(6) {
            let outcome = code == CURLE_OK ? "\(transfer.status) \(Self.reasonText(transfer.status))" : "failed (\(handle.errorText))"
            Log.write("\(request.method) \(url) \(outcome) in \(elapsedMs) milliseconds")
            logDetails(request: request, headers: headerListForLog(request: request, creds: creds), transfer: transfer)
        }
        if code != CURLE_OK {
            reusable = false
            // A stream the consumer or the caller stopped is a normal end, not an error.
            if code == CURLE_WRITE_ERROR, onData != nil, !transfer.overflow { return response(transfer) }
            if code == CURLE_ABORTED_BY_CALLBACK {
                throw KubeError(kind: .cancelled, message: "request cancelled", server: config.server)
            }
            if transfer.overflow {
                throw KubeError(kind: .invalidResponse, message: "response from \(url) is larger than \(transfer.maxBody) bytes", server: config.server)
            }
            throw CurlErrors.map(code, detail: handle.errorText, osErrno: handle.info(CURLINFO_OS_ERRNO), server: config.server, config: config)
        }
        return response(transfer)
    }

    private func response(_ transfer: Transfer) -> HTTPResponse {
        HTTPResponse(status: transfer.status, headers: transfer.headers, body: transfer.body)
    }

    private func configure(_ h: CurlHandle, request: HTTPRequest, url: String, creds: RequestCredentials,
                           user: UnsafeMutableRawPointer, headers: inout UnsafeMutablePointer<curl_slist>?) {
        prepareConnection(h, url: url, creds: creds)
        if let timeout = config.requestTimeout, !request.isStream { h.set(CURLOPT_TIMEOUT_MS, Int(timeout * 1000)) }
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

    // MARK: handle pool

    private func checkout() -> CurlHandle? {
        if let handle = pool.withLock({ $0.popLast() }) {
            handle.reset()
            return handle
        }
        return CurlHandle()
    }

    private func checkin(_ handle: CurlHandle, reusable: Bool) {
        guard reusable else { return }
        pool.withLock { if $0.count < 8 { $0.append(handle) } }
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
        case 503: return "Service Unavailable"
        default: return ""
        }
    }
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func sleepSeconds(_ seconds: Double) {
    guard seconds > 0 else { return }
    var ts = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
    var remaining = timespec()
    while nanosleep(&ts, &remaining) != 0 && errno == EINTR { ts = remaining }
}
