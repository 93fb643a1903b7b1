/// The HTTP/1.1 upgrade (RFC 6455 §4): the request a client writes and the
/// check of the server's answer, and the server's accept value.
public enum WebSocketHandshake {
    static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// `Sec-WebSocket-Accept` for a client key.
    public static func acceptValue(forKey key: String) -> String {
        base64(SHA1.hash(Array((key + guid).utf8)))
    }

    /// A request head; `headers` carries Host, Authorization, impersonation…
    public static func request(path: String, key: String, protocols: [String], headers: [(String, String)]) -> String {
        var lines = ["GET \(path) HTTP/1.1"]
        for (name, value) in headers { lines.append("\(name): \(value)") }
        lines += ["Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: \(key)", "Sec-WebSocket-Version: 13"]
        if !protocols.isEmpty { lines.append("Sec-WebSocket-Protocol: \(protocols.joined(separator: ", "))") }
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }

    public enum Outcome: Sendable, Equatable {
        /// 101 with a valid accept value; the subprotocol the server chose.
        case upgraded(protocol: String?)
        /// Any other status: the caller reads the body as a Status or text.
        case refused(status: Int, headers: [(String, String)])

        public static func == (a: Outcome, b: Outcome) -> Bool {
            switch (a, b) {
            case (.upgraded(let x), .upgraded(let y)): return x == y
            case (.refused(let s1, let h1), .refused(let s2, let h2)):
                return s1 == s2 && h1.map(\.0) == h2.map(\.0) && h1.map(\.1) == h2.map(\.1)
            default: return false
            }
        }
    }

    /// Checks the response head (status line and headers, without the blank line).
    public static func check(responseHead: String, key: String, offered: [String]) throws(WebSocketError) -> Outcome {
        var lines = responseHead.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        guard !lines.isEmpty else { throw WebSocketError(closeCode: 1002, reason: "empty upgrade response") }
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw WebSocketError(closeCode: 1002, reason: "bad status line \"\(statusLine.prefix(80))\"")
        }
        var headers: [(String, String)] = []
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingSpaces))
        }
        guard status == 101 else { return .refused(status: status, headers: headers) }
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name }?.1 }
        guard header("upgrade")?.lowercased() == "websocket" else { throw WebSocketError(closeCode: 1002, reason: "101 without Upgrade: websocket") }
        guard header("sec-websocket-accept") == acceptValue(forKey: key) else {
            throw WebSocketError(closeCode: 1002, reason: "Sec-WebSocket-Accept does not match the key")
        }
        let chosen = header("sec-websocket-protocol")
        if let chosen, !offered.contains(chosen) {
            throw WebSocketError(closeCode: 1002, reason: "server chose subprotocol \(chosen), which was not offered")
        }
        return .upgraded(protocol: chosen)
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var out = ""
        var i = 0
        while i < bytes.count {
            let n = (UInt32(bytes[i]) << 16) | (i + 1 < bytes.count ? UInt32(bytes[i + 1]) << 8 : 0) | (i + 2 < bytes.count ? UInt32(bytes[i + 2]) : 0)
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(i + 1 < bytes.count ? alphabet[Int(n >> 6 & 63)] : "=")
            out.append(i + 2 < bytes.count ? alphabet[Int(n & 63)] : "=")
            i += 3
        }
        return out
    }
}

extension String {
    var trimmingSpaces: String {
        guard let start = firstIndex(where: { $0 != " " && $0 != "\t" }),
              let end = lastIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        return String(self[start...end])
    }
}
