import KubeModel
import NIOHTTP1

/// The verbs on one resource URL: authorization, then the store.
struct ResourceHandler {
    let store: LabStore
    let request: APIRequest
    let resource: ResourceType
    let target: ResourcePath

    var verb: String {
        switch request.method {
        case .GET, .HEAD:
            if target.name == nil { return request.flag("watch") ? "watch" : "list" }
            return "get"
        case .POST: return "create"
        case .PUT: return "update"
        case .PATCH: return "patch"
        case .DELETE: return target.name == nil ? "deletecollection" : "delete"
        default: return request.method.rawValue.lowercased()
        }
    }

    var namespace: String? { resource.namespaced ? target.namespace : nil }

    func handle() throws -> APIResponse {
        if target.namespace != nil, !resource.namespaced { throw APIError.pathNotFound() }
        if let sub = target.subresource, !resource.subresources.contains(where: { $0.name == sub }) { throw APIError.pathNotFound() }
        let attributes = Authorizer.Attributes(verb: verb, group: resource.group, resource: resource.plural,
                                               subresource: target.subresource ?? "", namespace: namespace ?? "",
                                               name: target.name ?? "")
        guard Authorizer.allows(request.user, attributes, store: store) else { throw Authorizer.forbidden(request.user, attributes) }
        if let sub = target.subresource, resource == .pods, ["exec", "attach", "portforward"].contains(sub) {
            return try StreamRoute.plan(store: store, request: request, namespace: namespace ?? "", name: target.name ?? "",
                                        subresource: sub)
        }
        if let sub = target.subresource, ["exec", "attach", "portforward", "binding", "eviction", "scale"].contains(sub) {
            throw APIError.badRequest("\(resource.plural)/\(sub) is not implemented in this lab yet")
        }
        if target.subresource == "log" { return try logs() }
        switch verb {
        case "list": return try list()
        case "watch": return try watch()
        case "get": return try one(store.get(resource, namespace: namespace, name: target.name ?? ""), code: .ok)
        case "create":
            guard target.name == nil else { throw APIError.methodNotAllowed() }
            return try one(store.create(resource, namespace: namespace, object: request.jsonBody()), code: .created)
        case "update":
            return try one(store.update(resource, namespace: namespace, name: target.name ?? "", object: request.jsonBody(),
                                        subresource: target.subresource), code: .ok)
        case "patch": return try patch()
        case "delete": return try delete()
        case "deletecollection": return try deleteCollection()
        default: throw APIError.methodNotAllowed()
        }
    }

    func one(_ object: JSONValue, code: HTTPResponseStatus) throws -> APIResponse {
        if request.wantsTable {
            return .json(code, TableRenderer.table(resource, [object], resourceVersion: nil,
                                                   includeObject: request.parameter("includeObject") ?? "Metadata"))
        }
        return .json(code, object)
    }

    func listOptions() throws -> ListOptions {
        var options = ListOptions()
        if let text = request.parameter("labelSelector"), !text.isEmpty { options.labelSelector = try LabelSelector(parsing: text) }
        if let text = request.parameter("fieldSelector"), !text.isEmpty { options.fieldSelector = try FieldSelector(parsing: text) }
        options.limit = request.integer("limit").map { Int($0) }
        options.continueToken = request.parameter("continue")
        return options
    }

    func list() throws -> APIResponse {
        let result = try store.list(resource, namespace: namespace, options: listOptions())
        if request.wantsTable {
            return .json(.ok, TableRenderer.table(resource, result.items, resourceVersion: result.resourceVersion,
                                                  continueToken: result.continueToken,
                                                  includeObject: request.parameter("includeObject") ?? "Metadata"))
        }
        var metadata: JSONValue = ["resourceVersion": .string(result.resourceVersion)]
        if let token = result.continueToken { metadata.set("continue", .string(token)) }
        if let remaining = result.remainingItemCount { metadata.set("remainingItemCount", .int(Int64(remaining))) }
        let items = result.items
        return .json(.ok, ["kind": .string(resource.kind + "List"), "apiVersion": .string(resource.apiVersion),
                           "metadata": metadata, "items": .array(items)])
    }

    func watch() throws -> APIResponse {
        .watch(WatchPlan(resource: resource, namespace: namespace, options: try listOptions(),
                         resourceVersion: request.parameter("resourceVersion"), timeoutSeconds: request.integer("timeoutSeconds"),
                         bookmarks: request.flag("allowWatchBookmarks"), table: request.wantsTable,
                         includeObject: request.parameter("includeObject") ?? "Metadata"))
    }

    func patch() throws -> APIResponse {
        let contentType = request.headers["Content-Type"].first?.split(separator: ";").first.map { String($0).trimmed } ?? ""
        guard let type = PatchType(rawValue: contentType) else { throw APIError.unsupportedMediaType(contentType) }
        let object = try store.patch(resource, namespace: namespace, name: target.name ?? "", type: type,
                                     patch: request.jsonBody(), subresource: target.subresource)
        return try one(object, code: .ok)
    }

    func deleteOptions() throws -> (grace: Int64?, uid: String?) {
        var grace = request.integer("gracePeriodSeconds")
        var uid: String?
        if !request.body.isEmpty {
            let body = try request.jsonBody()
            grace = body["gracePeriodSeconds"]?.intValue ?? grace
            uid = body["preconditions"]?["uid"]?.stringValue
        }
        return (grace, uid)
    }

    func delete() throws -> APIResponse {
        let options = try deleteOptions()
        let object = try store.delete(resource, namespace: namespace, name: target.name ?? "",
                                      gracePeriodSeconds: options.grace, preconditionUID: options.uid)
        return .json(.ok, object)
    }

    func deleteCollection() throws -> APIResponse {
        let options = try deleteOptions()
        let result = try store.list(resource, namespace: namespace, options: listOptions())
        var deleted: [JSONValue] = []
        for item in result.items {
            if let object = try? store.delete(resource, namespace: item.metadataNamespace, name: item.name,
                                              gracePeriodSeconds: options.grace) {
                deleted.append(object)
            }
        }
        return .json(.ok, ["kind": .string(resource.kind + "List"), "apiVersion": .string(resource.apiVersion),
                           "metadata": ["resourceVersion": .string(String(store.currentResourceVersion))], "items": .array(deleted)])
    }

    func logs() throws -> APIResponse {
        let pod = try store.get(.pods, namespace: namespace, name: target.name ?? "")
        if request.parameter("stream") != nil {
            throw APIError.make(422, "Invalid", "PodLogOptions \"\(pod.name)\" is invalid: stream: Forbidden: may not be specified")
        }
        let names = ((pod["spec"]?["containers"]?.arrayValue ?? []) + (pod["spec"]?["initContainers"]?.arrayValue ?? [])
            + (pod["spec"]?["ephemeralContainers"]?.arrayValue ?? [])).compactMap { $0["name"]?.stringValue }
        let container: String
        if let wanted = request.parameter("container"), !wanted.isEmpty {
            guard names.contains(wanted) else {
                throw APIError.badRequest("container \(wanted) is not valid for pod \(pod.name)")
            }
            container = wanted
        } else {
            let main = (pod["spec"]?["containers"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
            guard main.count == 1 else {
                throw APIError.badRequest("a container name must be specified for pod \(pod.name), choose one of: [\(main.joined(separator: " "))]")
            }
            container = main[0]
        }
        return .logs(LogPlan(namespace: namespace ?? "", pod: pod.name, container: container, follow: request.flag("follow"),
                             tailLines: request.integer("tailLines").map { Int($0) },
                             limitBytes: request.integer("limitBytes").map { Int($0) },
                             node: pod["spec"]?["nodeName"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }))
    }
}
