import KubeModel

/// What a lab has at `up`, as RBAC objects rather than a rule in the authorizer: a `view`-like
/// ClusterRole (read every resource the lab serves, pods/log; no secrets, no exec, attach or
/// port-forward) bound to the lab's `viewer` user, as an admin would bind a read-only user.
enum LabDefaultRoles {
    static let viewRole = "aksnet-lab-view"
    static let viewerBinding = "aksnet-lab-viewer"
    static let viewerUsers = ["viewer"]

    static var objects: [(ResourceType, JSONValue)] {
        var readable: [String: [String]] = [:]
        for type in ResourceType.all where type != .secrets {
            readable[type.group, default: []].append(type.plural)
        }
        readable["", default: []].append("pods/log")
        let rules: [JSONValue] = readable.keys.sorted().map { group in
            ["apiGroups": [.string(group)], "resources": .array((readable[group] ?? []).map(JSONValue.string)),
             "verbs": ["get", "list", "watch"]]
        }
        let role: JSONValue = ["apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                               "metadata": ["name": .string(viewRole)], "rules": .array(rules)]
        let binding: JSONValue = [
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
            "metadata": ["name": .string(viewerBinding)],
            "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": .string(viewRole)],
            "subjects": .array(viewerUsers.map { ["apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": .string($0)] }),
        ]
        return [(.clusterRoles, role), (.clusterRoleBindings, binding)]
    }

    /// Creates them unless they exist (a restarted server keeps what an admin changed).
    static func seed(_ store: LabStore) {
        for (type, object) in objects {
            guard let name = object.metadataName, (try? store.get(type, namespace: nil, name: name)) == nil else { continue }
            _ = try? store.create(type, namespace: nil, object: object)
        }
    }
}
