/// A request to the API server, relative to the cluster's server URL.
public struct HTTPRequest: Sendable {
    public var method: String
    /// Path with its query, e.g. `/api/v1/namespaces/default/pods?limit=500`.
    public var path: String
    public var headers: [(String, String)]
    public var body: [UInt8]?
    public var contentType: String?
    public var accept: String
    /// Long-lived streams (watch, logs -f) are not cut by --request-timeout.
    public var isStream: Bool
    /// For a create that names its object: that object's path. When the
    /// answer is lost, the client GETs it there instead of sending the create
    /// blindly again (see `RequestSafety.namedCreate`).
    public var createdObjectPath: String?

    public init(method: String = "GET", path: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
                contentType: String? = nil, accept: String = "application/json", isStream: Bool = false,
                createdObjectPath: String? = nil) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.contentType = contentType
        self.accept = accept
        self.isStream = isStream
        self.createdObjectPath = createdObjectPath
    }

    /// What sending it twice would do: decides which failures are retried.
    public var safety: RequestSafety {
        RequestSafety(method: method, createsNamedObject: createdObjectPath != nil)
    }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.last { $0.0.lowercased() == lower }?.1
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// Percent-encoding for query values and path segments.
public enum URLEncoding {
    public static func query(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 15)])
            }
        }
        return out
    }

    public static func queryString(_ items: [(String, String)]) -> String {
        items.map { "\(query($0.0))=\(query($0.1))" }.joined(separator: "&")
    }
}
