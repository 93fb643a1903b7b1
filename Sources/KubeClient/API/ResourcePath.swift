/// Where a resource lives in the API: `/api/v1/namespaces/NS/pods/NAME/log`.
public struct ResourcePath: Sendable, Equatable {
    public var group: String
    public var version: String
    public var resource: String
    public var namespace: String?
    public var name: String?
    public var subresource: String?

    public init(group: String = "", version: String = "v1", resource: String, namespace: String? = nil,
                name: String? = nil, subresource: String? = nil) {
        self.group = group
        self.version = version
        self.resource = resource
        self.namespace = namespace
        self.name = name
        self.subresource = subresource
    }

    public static func pods(_ namespace: String?, _ name: String? = nil) -> ResourcePath {
        ResourcePath(resource: "pods", namespace: namespace, name: name)
    }

    public static func nodes(_ name: String? = nil) -> ResourcePath { ResourcePath(resource: "nodes", name: name) }

    public static func namespaces(_ name: String? = nil) -> ResourcePath {
        ResourcePath(resource: "namespaces", name: name)
    }

    public func named(_ name: String) -> ResourcePath {
        var copy = self
        copy.name = name
        return copy
    }

    public var path: String {
        var p = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        if let namespace, !namespace.isEmpty { p += "/namespaces/\(URLEncoding.query(namespace))" }
        p += "/\(resource)"
        if let name { p += "/\(URLEncoding.query(name))" }
        if let subresource { p += "/\(subresource)" }
        return p
    }

    /// The singular kind word kubectl uses in messages ("pods" → pod).
    public var description: String {
        name.map { "\(resource)/\($0)" } ?? resource
    }
}

public enum PatchType: String, Sendable {
    case merge = "application/merge-patch+json"
    case strategicMerge = "application/strategic-merge-patch+json"
    case json = "application/json-patch+json"
}

public enum DeletionPropagation: String, Sendable {
    case foreground = "Foreground", background = "Background", orphan = "Orphan"
}
