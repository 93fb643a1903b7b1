import CCurl
import KubeConfig

/// libcurl's result codes as KubeErrors that name the server and the cause.
enum CurlErrors {
    static func map(_ code: CURLcode, detail: String, osErrno: Int, server: String, config: RESTConfig) -> KubeError {
        let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST:
            let host = ServerURL(server)?.host ?? server
            return KubeError(kind: .dns, message: "lookup \(host): no such host (\(text))", server: server)
        case CURLE_COULDNT_RESOLVE_PROXY:
            return KubeError(kind: .dns, message: "proxy \(config.proxyURL): cannot resolve (\(text))", server: server)
        case CURLE_COULDNT_CONNECT:
            let target = ServerURL(server).map { "\($0.host):\($0.port)" } ?? server
            if osErrno == 111 {  // ECONNREFUSED
                return KubeError(kind: .connectionRefused, message: "dial tcp \(target): connect: connection refused", server: server)
            }
            let cause = osErrno != 0 ? Files.errorText(Int32(osErrno)) : text
            return KubeError(kind: .connection, message: "dial tcp \(target): \(cause)", server: server)
        case CURLE_OPERATION_TIMEDOUT:
            return KubeError(kind: .timeout, message: "request timed out (\(text))", server: server)
        case CURLE_PEER_FAILED_VERIFICATION:
            let trust = config.tls.caFile.isEmpty ? (config.tls.caData.isEmpty ? "the system CAs" : "certificate-authority-data") : config.tls.caFile
            return KubeError(kind: .tls, message: "tls: failed to verify the server certificate against \(trust): \(text)", server: server)
        case CURLE_SSL_CACERT_BADFILE:
            return KubeError(kind: .tls, message: "tls: cannot load the certificate authority (\(config.tls.caFile.isEmpty ? "certificate-authority-data" : config.tls.caFile)): \(text)", server: server)
        case CURLE_SSL_CERTPROBLEM:
            let which = config.tls.clientCertFile.isEmpty ? "client-certificate-data" : config.tls.clientCertFile
            return KubeError(kind: .tls, message: "tls: cannot use the client certificate \(which): \(text)", server: server)
        case CURLE_SSL_CONNECT_ERROR:
            return KubeError(kind: .tls, message: "tls: handshake failed: \(text)", server: server)
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE:
            return KubeError(kind: .connection, message: "connection dropped: \(text)", server: server)
        default:
            return KubeError(kind: .connection, message: "\(text) (curl error \(code.rawValue))", server: server)
        }
    }
}

extension CurlErrors {
    /// Where a failed transfer broke, for the retry rule. Only codes that
    /// prove nothing was sent count as `.notSent` (libcurl's byte counters
    /// are not reliable across HTTP/2 and proxies); a certificate the client
    /// rejects, a timeout, or a malformed URL will not change on a retry.
    static func outcome(_ code: CURLcode) -> AttemptOutcome {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT, CURLE_SSL_CONNECT_ERROR:
            return .notSent
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            return .lost
        case CURLE_SEND_FAIL_REWIND:
            // libcurl wanted to resend a body on a new connection after a reused one died
            // (it cannot rewind ours): to our rule that is a lost answer like any other.
            return .lost
        default:
            return .fatal
        }
    }
}
