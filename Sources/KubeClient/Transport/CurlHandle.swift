import CCurl

/// One libcurl easy handle. Handles are pooled, so each keeps its
/// connection open for the next request (keep-alive), and used by one thread
/// at a time, which is why this wrapper may cross threads.
final class CurlHandle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
    let errorBuffer: UnsafeMutablePointer<CChar>
    /// The CONNECT_TO list of the current transfer (libcurl keeps a pointer to it).
    var connectTo: UnsafeMutablePointer<curl_slist>?

    init?() {
        CurlGlobal.ensureInitialized()
        guard let handle = curl_easy_init() else { return nil }
        raw = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        curl_easy_cleanup(raw)
        curl_slist_free_all(connectTo)
        errorBuffer.deallocate()
    }

    /// Clears options (keeping the connection cache) before the next request.
    func reset() {
        curl_easy_reset(raw)
        curl_slist_free_all(connectTo)
        connectTo = nil
        errorBuffer[0] = 0
    }

    var errorText: String { String(cString: errorBuffer) }
}

enum CurlGlobal {
    private static let initialized: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        return true
    }()

    static func ensureInitialized() { _ = initialized }
}

/// libcurl options set from Swift through the typed C shim.
extension CurlHandle {
    @discardableResult func set(_ option: CURLoption, _ value: Int) -> CURLcode { ccurl_setopt_long(raw, option, value) }
    @discardableResult func set(_ option: CURLoption, _ value: String) -> CURLcode { ccurl_setopt_string(raw, option, value) }
    @discardableResult func set(_ option: CURLoption, blob: [UInt8]) -> CURLcode {
        blob.withUnsafeBytes { ccurl_setopt_blob(raw, option, $0.baseAddress, $0.count) }
    }
    func info(_ option: CURLINFO) -> Int {
        var value = 0
        _ = ccurl_getinfo_long(raw, option, &value)
        return value
    }
}
