import KubeModel

extension KubeClient {
    /// A container's log (`pods/NAME/log?container=C`), the last `tailLines` lines when given.
    public func logs(namespace: String, pod: String, container: String, tailLines: Int? = nil) throws(KubeError) -> String {
        var path = ResourcePath.pods(namespace, pod).path + "/log?container=" + Self.queryEscape(container)
        if let tailLines { path += "&tailLines=\(tailLines)" }
        let response = try transport.send(HTTPRequest(path: path))
        guard response.isSuccess else {
            throw KubeError.fromResponse(code: response.status, body: response.body, server: config.server)
        }
        return String(decoding: response.body, as: UTF8.self)
    }

    static func queryEscape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
