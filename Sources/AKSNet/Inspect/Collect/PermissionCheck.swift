import KubeClient
import KubeModel

/// Before any pod is made: may this user create the collectors? Asked with
/// SelfSubjectAccessReviews (what `kubectl auth can-i` sends) for `create pods` and
/// `create pods/exec` and `get pods/exec` (a WebSocket exec is authorized as either, by server version) in
/// aksnet-system. A review the server refuses or cannot answer says nothing: then the
/// first real 403 tells (NodeCollector maps it to the same words).
public enum PermissionCheck {
    public struct Need: Sendable, Equatable {
        public var verb: String
        public var resource: String
        public var subresource: String
        /// As the report names it: `create pods`, `create pods/exec`.
        public var label: String
    }

    public static let needs: [Need] = [
        Need(verb: "create", resource: "pods", subresource: "", label: "create pods"),
        Need(verb: "create", resource: "pods", subresource: "exec", label: "create pods/exec"),
        Need(verb: "get", resource: "pods", subresource: "exec", label: "get pods/exec"),
    ]

    /// The labels of what is missing, each once, in `needs` order.
    public static func missing(_ client: any KubeAPI, namespace: String = HelperLabels.namespace) -> [String] {
        var missing: [String] = []
        for need in needs where !missing.contains(need.label) {
            if allowed(client, need, namespace: namespace) == false { missing.append(need.label) }
        }
        return missing
    }

    /// true/false as the server answered; nil when it did not.
    static func allowed(_ client: any KubeAPI, _ need: Need, namespace: String) -> Bool? {
        var attributes = JSONObject()
        attributes["namespace"] = .string(namespace)
        attributes["verb"] = .string(need.verb)
        attributes["resource"] = .string(need.resource)
        if !need.subresource.isEmpty { attributes["subresource"] = .string(need.subresource) }
        let review: JSONValue = ["apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
                                 "spec": ["resourceAttributes": .object(attributes)]]
        let path = ResourcePath(group: "authorization.k8s.io", resource: "selfsubjectaccessreviews")
        guard let answer = try? client.create(path, review) else { return nil }
        return answer["status"]?["allowed"]?.boolValue
    }
}
