import KubeModel
import NIOHTTP1

/// Maps a request to discovery, store operations or a stream plan. No I/O.
struct Router {
    let store: LabStore
    let serverAddress: String

    func handle(_ request: APIRequest) -> APIResponse {
        do {
            return try route(request)
        } catch let error as APIError {
            return .status(error)
        } catch {
            return .status(.internalError("\(error)"))
        }
    }

    func route(_ request: APIRequest) throws -> APIResponse {
        let path = request.path.count > 1 && request.path.hasSuffix("/") ? String(request.path.dropLast()) : request.path
        switch path {
        case "/version": return .json(.ok, Discovery.version())
        case "/api": return .json(.ok, Discovery.coreVersions(serverAddress: serverAddress))
        case "/apis": return .json(.ok, Discovery.groupList())
        case "/healthz", "/livez", "/readyz": return .text(.ok, "ok")
        case "/openapi/v3": return .json(.ok, OpenAPI.root())
        case "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews":
            return try AccessReview.selfSubject(request, store: store)
        default: break
        }
        if path.hasPrefix("/openapi/v3/"), let document = OpenAPI.document(path: path) { return .json(.ok, document) }
        let parts = path.split(separator: "/").map(String.init)
        if parts.count == 2, parts[0] == "api", let list = Discovery.resourceList(group: "", version: parts[1]) {
            return .json(.ok, list)
        }
        if parts.count == 2, parts[0] == "apis", let group = Discovery.group(parts[1]) { return .json(.ok, group) }
        if parts.count == 3, parts[0] == "apis", let list = Discovery.resourceList(group: parts[1], version: parts[2]) {
            return .json(.ok, list)
        }
        guard let target = ResourcePath(path),
              let resource = ResourceType.find(group: target.group, version: target.version, plural: target.plural) else {
            throw APIError.pathNotFound()
        }
        return try ResourceHandler(store: store, request: request, resource: resource, target: target).handle()
    }
}

/// `kubectl auth can-i`: POST selfsubjectaccessreviews answered with the lab's authorizer.
enum AccessReview {
    static func selfSubject(_ request: APIRequest, store: LabStore) throws -> APIResponse {
        guard request.method == .POST else { throw APIError.methodNotAllowed() }
        var review = try ProtobufReview.decode(request.body) ?? request.jsonBody()
        let spec = review["spec"]?["resourceAttributes"] ?? .null
        let allowed: Bool
        if spec == .null {
            allowed = request.user.isAdmin
        } else {
            let attributes = Authorizer.Attributes(
                verb: spec["verb"]?.stringValue ?? "", group: spec["group"]?.stringValue ?? "",
                resource: spec["resource"]?.stringValue ?? "", subresource: spec["subresource"]?.stringValue ?? "",
                namespace: spec["namespace"]?.stringValue ?? "", name: spec["name"]?.stringValue ?? "")
            allowed = Authorizer.allows(request.user, attributes, store: store)
        }
        review.set("apiVersion", "authorization.k8s.io/v1")
        review.set("kind", "SelfSubjectAccessReview")
        if review["metadata"] == nil { review.set("metadata", ["creationTimestamp": .null]) }
        var status: JSONValue = ["allowed": .bool(allowed)]
        if allowed, request.user.isAdmin { status.set("reason", "") }
        review.set("status", status)
        return .json(.created, review)
    }
}
