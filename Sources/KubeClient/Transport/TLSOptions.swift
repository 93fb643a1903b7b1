import CCurl
import KubeConfig

/// TLS settings on a handle: trust (CA data or file, or verification off
/// only when the user asked), client certificate and key (data or files),
/// and `tls-server-name` through CONNECT_TO.
enum TLSOptions {
    static func apply(config: RESTConfig, creds: RequestCredentials, to h: CurlHandle, url: String) {
        let tls = config.tls
        var target = url
        if !tls.serverName.isEmpty, let parts = ServerURL(config.server) {
            // Connect to the real host but verify (and send SNI for) the given name.
            target = parts.scheme + "://" + hostLiteral(tls.serverName) + ":\(parts.port)" + String(url.dropFirst(config.server.count))
            h.connectTo = curl_slist_append(nil, "\(hostLiteral(tls.serverName)):\(parts.port):\(hostLiteral(parts.host)):\(parts.port)")
            _ = ccurl_setopt_slist(h.raw, CURLOPT_CONNECT_TO, h.connectTo)
        }
        h.set(CURLOPT_URL, target)
        if tls.insecureSkipVerify {
            h.set(CURLOPT_SSL_VERIFYPEER, 0)
            h.set(CURLOPT_SSL_VERIFYHOST, 0)
        } else {
            h.set(CURLOPT_SSL_VERIFYPEER, 1)
            h.set(CURLOPT_SSL_VERIFYHOST, 2)
            if !tls.caData.isEmpty {
                h.set(CURLOPT_CAINFO_BLOB, blob: tls.caData)
                _ = ccurl_setopt_pointer(h.raw, CURLOPT_CAPATH, nil)
            } else if !tls.caFile.isEmpty {
                h.set(CURLOPT_CAINFO, tls.caFile)
                _ = ccurl_setopt_pointer(h.raw, CURLOPT_CAPATH, nil)
            }
        }
        if !creds.certificatePEM.isEmpty {
            h.set(CURLOPT_SSLCERTTYPE, "PEM")
            h.set(CURLOPT_SSLCERT_BLOB, blob: creds.certificatePEM)
            h.set(CURLOPT_SSLKEYTYPE, "PEM")
            h.set(CURLOPT_SSLKEY_BLOB, blob: creds.keyPEM)
        } else if tls.hasClientCertificate {
            h.set(CURLOPT_SSLCERTTYPE, "PEM")
            h.set(CURLOPT_SSLKEYTYPE, "PEM")
            if !tls.clientCertData.isEmpty { h.set(CURLOPT_SSLCERT_BLOB, blob: tls.clientCertData) } else { h.set(CURLOPT_SSLCERT, tls.clientCertFile) }
            if !tls.clientKeyData.isEmpty { h.set(CURLOPT_SSLKEY_BLOB, blob: tls.clientKeyData) } else { h.set(CURLOPT_SSLKEY, tls.clientKeyFile) }
        }
    }

    static func hostLiteral(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }
}

/// scheme, host and port of the server URL.
struct ServerURL {
    var scheme: String
    var host: String
    var port: Int

    init?(_ url: String) {
        let pieces = url.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
        guard pieces.count == 2 else { return nil }
        scheme = pieces[0].lowercased()
        var rest = pieces[1]
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        var hostPart = Substring(rest)
        var portPart: Substring?
        if hostPart.hasPrefix("["), let close = hostPart.firstIndex(of: "]") {
            let after = hostPart[hostPart.index(after: close)...]
            portPart = after.hasPrefix(":") ? after.dropFirst() : nil
            hostPart = hostPart[hostPart.index(after: hostPart.startIndex)..<close]
        } else if let colon = hostPart.lastIndex(of: ":") {
            portPart = hostPart[hostPart.index(after: colon)...]
            hostPart = hostPart[..<colon]
        }
        host = String(hostPart)
        port = portPart.flatMap { Int($0) } ?? (scheme == "https" ? 443 : 80)
    }
}
