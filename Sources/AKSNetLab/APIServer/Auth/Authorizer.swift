/// The lab's authorizer: `system:masters` may do everything (as a real cluster's superuser
/// group); anyone else gets what RBAC objects in the store grant (RBACRules), and nothing by
/// default. The lab's `viewer` reads through a ClusterRoleBinding made at start (LabDefaultRoles).
public enum Authorizer {
    public struct Attributes: Sendable {
        public var verb: String
        public var group: String
        public var resource: String
        public var subresource: String
        public var namespace: String
        public var name: String

        public init(verb: String, group: String = "", resource: String, subresource: String = "", namespace: String = "",
                    name: String = "") {
            self.verb = verb
            self.group = group
            self.resource = resource
            self.subresource = subresource
            self.namespace = namespace
            self.name = name
        }
    }

    public static func allows(_ user: LabUser, _ attributes: Attributes, store: LabStore) -> Bool {
        if user.isAdmin { return true }
        return RBACRules.allows(user, attributes, store: store)
    }

    /// `pods is forbidden: User "viewer" cannot create resource "pods" in API group "" in the namespace "default"`.
    static func forbidden(_ user: LabUser, _ a: Attributes) -> APIError {
        let resource = a.subresource.isEmpty ? a.resource : "\(a.resource)/\(a.subresource)"
        let qualified = a.group.isEmpty ? a.resource : "\(a.resource).\(a.group)"
        let subject = a.name.isEmpty ? qualified : "\(qualified) \"\(a.name)\""
        let scope = a.namespace.isEmpty ? "at the cluster scope" : "in the namespace \"\(a.namespace)\""
        let message = "\(subject) is forbidden: User \"\(user.name)\" cannot \(a.verb) resource \"\(resource)\" in API group \"\(a.group)\" \(scope)"
        return APIError.make(403, "Forbidden", message, name: a.name, group: a.group, kind: a.resource)
    }
}
