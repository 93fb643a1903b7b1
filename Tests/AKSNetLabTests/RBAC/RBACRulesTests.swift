@testable import AKSNetLab
import KubeModel
import Testing

/// The lab's RBAC authorizer against RBAC's own matching rules, on a store without a server.
struct RBACRulesTests {
    static func role(_ kind: String, _ name: String, namespace: String? = nil, rules: [JSONValue]) -> JSONValue {
        var metadata: JSONValue = ["name": .string(name)]
        if let namespace { metadata.set("namespace", .string(namespace)) }
        return ["apiVersion": "rbac.authorization.k8s.io/v1", "kind": .string(kind), "metadata": metadata, "rules": .array(rules)]
    }

    static func binding(_ kind: String, _ name: String, namespace: String? = nil, role: (String, String),
                        subjects: [JSONValue]) -> JSONValue {
        var metadata: JSONValue = ["name": .string(name)]
        if let namespace { metadata.set("namespace", .string(namespace)) }
        return ["apiVersion": "rbac.authorization.k8s.io/v1", "kind": .string(kind), "metadata": metadata,
                "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": .string(role.0), "name": .string(role.1)],
                "subjects": .array(subjects)]
    }

    static func store() throws -> LabStore {
        let store = LabStore()
        _ = try store.create(.namespaces, namespace: nil, object: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "team"]])
        _ = try store.create(.clusterRoles, namespace: nil, object: role("ClusterRole", "exec-web", rules: [
            ["apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create", "get"], "resourceNames": ["web-0"]],
            ["apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]],
        ]))
        _ = try store.create(.clusterRoles, namespace: nil, object: role("ClusterRole", "apps-all", rules: [
            ["apiGroups": ["apps"], "resources": ["*"], "verbs": ["*"]],
            ["apiGroups": ["*"], "resources": ["*/scale"], "verbs": ["update"]],
        ]))
        _ = try store.create(.roles, namespace: "team", object: role("Role", "patch-ephemeral", namespace: "team", rules: [
            ["apiGroups": [""], "resources": ["pods/ephemeralcontainers"], "verbs": ["patch"]],
        ]))
        _ = try store.create(.clusterRoleBindings, namespace: nil, object: binding("ClusterRoleBinding", "alice-exec",
            role: ("ClusterRole", "exec-web"), subjects: [["kind": "User", "name": "alice", "apiGroup": "rbac.authorization.k8s.io"]]))
        _ = try store.create(.roleBindings, namespace: "team", object: binding("RoleBinding", "ops-apps", namespace: "team",
            role: ("ClusterRole", "apps-all"), subjects: [["kind": "Group", "name": "ops", "apiGroup": "rbac.authorization.k8s.io"]]))
        _ = try store.create(.roleBindings, namespace: "team", object: binding("RoleBinding", "sa-ephemeral", namespace: "team",
            role: ("Role", "patch-ephemeral"), subjects: [["kind": "ServiceAccount", "name": "capture"]]))
        return store
    }

    @Test func verbsResourcesSubresourcesNamesAndWildcards() throws {
        let store = try Self.store()
        let alice = LabUser(name: "alice", groups: []), bob = LabUser(name: "bob", groups: ["ops"])
        let sa = LabUser(name: "system:serviceaccount:team:capture", groups: [])
        func can(_ user: LabUser, _ verb: String, _ resource: String, sub: String = "", group: String = "", ns: String = "team",
                 name: String = "") -> Bool {
            Authorizer.allows(user, .init(verb: verb, group: group, resource: resource, subresource: sub, namespace: ns, name: name), store: store)
        }
        // A ClusterRoleBinding: every namespace; resourceNames limit to the named pod, never a create without a name.
        #expect(can(alice, "get", "pods", sub: "exec", ns: "default", name: "web-0"))
        #expect(!can(alice, "get", "pods", sub: "exec", ns: "default", name: "web-1"))
        #expect(!can(alice, "create", "pods", sub: "exec", ns: "default"))
        #expect(can(alice, "list", "pods", ns: "default") && !can(alice, "watch", "pods", ns: "default"))
        // A subresource is its own resource: pods does not grant pods/log.
        #expect(!can(alice, "get", "pods", sub: "log", ns: "default", name: "web-0"))
        // A RoleBinding to a ClusterRole for a group: that namespace only; `*` resources and verbs.
        #expect(can(bob, "delete", "daemonsets", group: "apps", name: "x"))
        #expect(can(bob, "create", "deployments", group: "apps"))
        #expect(!can(bob, "create", "deployments", group: "apps", ns: "default"))
        #expect(!can(bob, "get", "pods", name: "x"))
        #expect(can(bob, "update", "deployments", sub: "scale", group: "apps", name: "x"))
        #expect(!can(bob, "patch", "deployments", sub: "scale", group: "apps", ns: "default", name: "x"))
        // A service account through a Role of its namespace; cluster scope gets nothing from a RoleBinding.
        #expect(can(sa, "patch", "pods", sub: "ephemeralcontainers", name: "web-0"))
        #expect(!can(sa, "patch", "pods", sub: "ephemeralcontainers", ns: "", name: "web-0"))
        // No binding: nothing at all (a real cluster has no read-only default).
        #expect(!can(LabUser(name: "carol", groups: []), "get", "pods", name: "web-0"))
        // system:masters: everything.
        #expect(can(LabUser(name: "root", groups: ["system:masters"]), "delete", "nodes", ns: "", name: "n"))
    }

    @Test func theViewerReadsThroughABindingMadeAtStart() throws {
        let store = LabStore()
        LabDefaultRoles.seed(store)
        LabDefaultRoles.seed(store)
        let viewer = LabUser(name: "viewer", groups: [])
        func can(_ verb: String, _ resource: String, sub: String = "", group: String = "") -> Bool {
            Authorizer.allows(viewer, .init(verb: verb, group: group, resource: resource, subresource: sub, namespace: "default", name: "p"), store: store)
        }
        #expect(can("get", "pods") && can("watch", "pods") && can("get", "pods", sub: "log") && can("list", "daemonsets", group: "apps"))
        #expect(can("get", "clusterroles", group: "rbac.authorization.k8s.io"))
        #expect(!can("create", "pods") && !can("get", "pods", sub: "exec") && !can("get", "pods", sub: "portforward"))
        #expect(!can("get", "secrets"))
        #expect(try store.list(.clusterRoleBindings, namespace: nil).items.count == 1)
    }
}
