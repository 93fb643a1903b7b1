import KubeConfig
import KubeModel

/// The one error the client raises: a kind, the HTTP status when there was
/// one, the server's Status, and a message rendered the way kubectl renders it.
public struct KubeError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case configuration
        case dns
        case connectionRefused
        case connection
        case tls
        case timeout
        case unauthorized
        case forbidden
        case notFound
        case conflict
        case gone
        case server
        case invalidResponse
        case streamClosed
        case cancelled
    }

    public var kind: Kind
    public var httpStatus: Int?
    public var status: Status?
    public var message: String
    public var server: String

    public init(kind: Kind, httpStatus: Int? = nil, status: Status? = nil, message: String, server: String = "") {
        self.kind = kind
        self.httpStatus = httpStatus
        self.status = status
        self.message = message
        self.server = server
    }

    public static func configuration(_ error: KubeconfigError) -> KubeError {
        KubeError(kind: .configuration, message: error.message)
    }

    /// From an HTTP error answer: the body's Status when it has one.
    public static func fromResponse(code: Int, body: [UInt8], server: String) -> KubeError {
        let parsed = (try? JSONValue.parse(body)).flatMap(Status.init(json:))
        let kind: Kind
        switch code {
        case 401: kind = .unauthorized
        case 403: kind = .forbidden
        case 404: kind = .notFound
        case 409: kind = .conflict
        case 410: kind = .gone
        default: kind = .server
        }
        var status = parsed ?? Status(message: Self.plainMessage(code: code, body: body), reason: Status.reasonPhrase(forCode: code), code: code)
        if status.reason.isEmpty { status.reason = Status.reasonPhrase(forCode: code) }
        if status.code == 0 { status.code = code }
        return KubeError(kind: kind, httpStatus: code, status: status, message: status.message, server: server)
    }

    private static func plainMessage(code: Int, body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(512), as: UTF8.self).trimmed
        return text.isEmpty ? "the server responded with HTTP \(code)" : text
    }

    /// kubectl's wording: `Error from server (NotFound): pods "x" not found`.
    public var description: String {
        switch kind {
        case .unauthorized:
            let reason = status.map { $0.message.isEmpty ? "Unauthorized" : $0.message } ?? "Unauthorized"
            return "You must be logged in to the server (\(reason)) [\(server)]"
        case .configuration, .cancelled, .invalidResponse, .streamClosed:
            return message
        case .dns, .connectionRefused, .connection, .tls, .timeout:
            return "Unable to connect to the server \(server): \(message)"
        default:
            if let status {
                return "Error from server (\(status.reason.isEmpty ? Status.reasonPhrase(forCode: status.code) : status.reason)): \(status.message)"
            }
            return message
        }
    }
}
