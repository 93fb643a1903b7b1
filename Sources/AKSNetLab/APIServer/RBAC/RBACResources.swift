/// rbac.authorization.k8s.io/v1: served, stored and evaluated by the Authorizer as a real
/// kube-apiserver's RBAC authorizer does.
extension ResourceType {
    public static let roles = ResourceType(group: "rbac.authorization.k8s.io", plural: "roles", singular: "role", kind: "Role")
    public static let clusterRoles = ResourceType(group: "rbac.authorization.k8s.io", plural: "clusterroles", singular: "clusterrole",
                                                  kind: "ClusterRole", namespaced: false)
    public static let roleBindings = ResourceType(group: "rbac.authorization.k8s.io", plural: "rolebindings", singular: "rolebinding",
                                                  kind: "RoleBinding")
    public static let clusterRoleBindings = ResourceType(group: "rbac.authorization.k8s.io", plural: "clusterrolebindings",
                                                         singular: "clusterrolebinding", kind: "ClusterRoleBinding",
                                                         namespaced: false)
    static let rbac: [ResourceType] = [.clusterRoleBindings, .clusterRoles, .roleBindings, .roles]
}
