import KubeModel
import NIOHTTP1

/// One decoded HTTP request, with the caller it is made on behalf of.
struct APIRequest {
    var method: HTTPMethod
    var path: String
    var query: [String: [String]]
    var headers: HTTPHeaders
    var body: [UInt8]
    var user: LabUser

    init(head: HTTPRequestHead, body: [UInt8], user: LabUser) {
        method = head.method
        headers = head.headers
        self.body = body
        self.user = user
        let uri = head.uri
        if let mark = uri.firstIndex(of: "?") {
            path = String(uri[..<mark])
            query = Self.parseQuery(String(uri[uri.index(after: mark)...]))
        } else {
            path = uri
            query = [:]
        }
        path = Self.percentDecode(path, plusIsSpace: false)
    }

    func parameter(_ name: String) -> String? { query[name]?.last }

    func flag(_ name: String) -> Bool {
        guard let value = parameter(name) else { return false }
        return value == "true" || value == "1" || value.isEmpty
    }

    func integer(_ name: String) -> Int64? { parameter(name).flatMap { Int64($0) } }

    /// kubectl's `Accept: application/json;as=Table;v=v1;g=meta.k8s.io,…`.
    var wantsTable: Bool {
        let accept = headers["Accept"].joined(separator: ",")
        return accept.split(separator: ",").first.map { $0.contains("as=Table") && $0.contains("g=meta.k8s.io") } ?? false
    }

    func jsonBody() throws -> JSONValue {
        // kubectl's generators (create secret, configmap, …) send Kubernetes protobuf.
        switch ProtobufKinds.decode(body) {
        case .decoded(let object): return object
        case .unsupported(let kind):
            throw APIError.make(415, "UnsupportedMediaType", "the lab reads protobuf bodies of \(ProtobufKinds.kinds.keys.sorted().joined(separator: ", ")) only, not \(kind); send JSON (e.g. kubectl create -f FILE)")
        case .notProtobuf: break
        }
        do {
            return try JSONValue.parse(body)
        } catch {
            throw APIError.badRequest("the object provided is unrecognized or could not be decoded: \(error.description)")
        }
    }

    static func parseQuery(_ text: String) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = percentDecode(String(parts[0]), plusIsSpace: true)
            let value = parts.count > 1 ? percentDecode(String(parts[1]), plusIsSpace: true) : ""
            out[key, default: []].append(value)
        }
        return out
    }

    static func percentDecode(_ text: String, plusIsSpace: Bool) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
               let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else if byte == UInt8(ascii: "+"), plusIsSpace {
                bytes.append(0x20)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// What the router decided to answer.
enum APIResponse {
    case json(HTTPResponseStatus, JSONValue)
    case text(HTTPResponseStatus, String)
    case watch(WatchPlan)
    case logs(LogPlan)
    /// An exec/attach/port-forward upgrade that passed every check (see `StreamUpgrader`).
    case stream(StreamRequest)
    /// A status with an empty body (a WebSocket subprotocol refusal).
    case empty(HTTPResponseStatus)

    static func status(_ error: APIError) -> APIResponse {
        .json(HTTPResponseStatus(statusCode: error.code), error.status.json)
    }
}

struct WatchPlan: Sendable {
    var resource: ResourceType
    var namespace: String?
    var options: ListOptions
    var resourceVersion: String?
    var timeoutSeconds: Int64?
    var bookmarks: Bool
    var table: Bool
    var includeObject: String
}

struct LogPlan: Sendable {
    var namespace: String
    var pod: String
    var container: String
    var follow: Bool
    var tailLines: Int?
    var limitBytes: Int?
    /// The pod's `spec.nodeName`: whose kubelet serves the log (nil: not scheduled).
    var node: String? = nil
}
