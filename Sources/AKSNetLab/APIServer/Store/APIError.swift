import KubeModel

/// An API failure carrying the `metav1.Status` a real server would send.
public struct APIError: Error, Sendable, Equatable {
    public var status: Status

    public init(_ status: Status) { self.status = status }

    public var code: Int { status.code }

    static func make(_ code: Int, _ reason: String, _ message: String,
                     name: String = "", group: String = "", kind: String = "") -> APIError {
        APIError(Status(message: message, reason: reason, code: code, detailsName: name,
                        detailsKind: kind, detailsGroup: group))
    }

    /// `pods "x" not found`, details {name, kind}.
    public static func notFound(_ resource: ResourceType, _ name: String) -> APIError {
        make(404, "NotFound", "\(resource.qualifiedPlural) \"\(name)\" not found",
             name: name, group: resource.group, kind: resource.plural)
    }

    public static func alreadyExists(_ resource: ResourceType, _ name: String) -> APIError {
        make(409, "AlreadyExists", "\(resource.qualifiedPlural) \"\(name)\" already exists",
             name: name, group: resource.group, kind: resource.plural)
    }

    public static func conflict(_ resource: ResourceType, _ name: String) -> APIError {
        make(409, "Conflict",
             "Operation cannot be fulfilled on \(resource.qualifiedPlural) \"\(name)\": the object has been modified; please apply your changes to the latest version and try again",
             name: name, group: resource.group, kind: resource.plural)
    }

    public static func badRequest(_ message: String) -> APIError { make(400, "BadRequest", message) }

    public static func invalid(_ resource: ResourceType, _ name: String, _ message: String) -> APIError {
        make(422, "Invalid", "\(resource.kind) \"\(name)\" is invalid: \(message)",
             name: name, group: resource.group, kind: resource.kind)
    }

    public static func forbidden(_ resource: ResourceType, _ name: String, _ message: String) -> APIError {
        let subject = name.isEmpty ? resource.qualifiedPlural : "\(resource.qualifiedPlural) \"\(name)\""
        return make(403, "Forbidden", "\(subject) is forbidden: \(message)",
                    name: name, group: resource.group, kind: resource.plural)
    }

    public static func methodNotAllowed(_ message: String = "the server does not allow this method on the requested resource") -> APIError {
        make(405, "MethodNotAllowed", message)
    }

    public static func unsupportedMediaType(_ contentType: String) -> APIError {
        make(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got \(contentType))")
    }

    public static func expired(_ message: String) -> APIError { make(410, "Expired", message) }

    public static func internalError(_ message: String) -> APIError {
        make(500, "InternalError", "Internal error occurred: \(message)")
    }

    public static func pathNotFound() -> APIError { make(404, "NotFound", "the server could not find the requested resource") }
}
