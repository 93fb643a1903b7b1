import KubeModel

/// RBAC's matching rules (k8s.io/kubernetes plugin/pkg/auth/authorizer/rbac): a subject matches
/// a user by name, a group, or a service account's user name; a rule allows a request when its
/// apiGroups, resources (`pods/exec` for a subresource, `*`, `*/exec`), verbs and resourceNames
/// all match.
enum RBACRules {
    static func subjectMatches(_ subject: JSONValue, user: LabUser, bindingNamespace: String) -> Bool {
        let name = subject["name"]?.stringValue ?? ""
        switch subject["kind"]?.stringValue ?? "" {
        case "User": return name == user.name
        case "Group": return user.reportedGroups.contains(name)
        case "ServiceAccount":
            let namespace = subject["namespace"]?.stringValue ?? bindingNamespace
            return user.name == "system:serviceaccount:\(namespace):\(name)"
        default: return false
        }
    }

    static func ruleAllows(_ rule: JSONValue, _ a: Authorizer.Attributes) -> Bool {
        let words = { (key: String) in (rule[key]?.arrayValue ?? []).compactMap(\.stringValue) }
        let verbs = words("verbs"), groups = words("apiGroups"), resources = words("resources"), names = words("resourceNames")
        guard verbs.contains("*") || verbs.contains(a.verb) else { return false }
        guard groups.contains("*") || groups.contains(a.group) else { return false }
        let combined = a.subresource.isEmpty ? a.resource : "\(a.resource)/\(a.subresource)"
        let resourceMatches = resources.contains { resource in
            resource == "*" || resource == combined || (!a.subresource.isEmpty && resource == "*/\(a.subresource)")
        }
        guard resourceMatches else { return false }
        // resourceNames limit a rule to named objects: never a create, list or watch (no name).
        return names.isEmpty || (!a.name.isEmpty && names.contains(a.name))
    }

    /// Whether any binding that names the user grants the request.
    static func allows(_ user: LabUser, _ a: Authorizer.Attributes, store: LabStore) -> Bool {
        let clusterBindings = (try? store.list(.clusterRoleBindings, namespace: nil).items) ?? []
        for binding in clusterBindings where bindingNamesUser(binding, user, namespace: "") {
            if roleAllows(binding["roleRef"], bindingNamespace: nil, a, store: store) { return true }
        }
        guard !a.namespace.isEmpty else { return false }
        let bindings = (try? store.list(.roleBindings, namespace: a.namespace).items) ?? []
        for binding in bindings where bindingNamesUser(binding, user, namespace: a.namespace) {
            if roleAllows(binding["roleRef"], bindingNamespace: a.namespace, a, store: store) { return true }
        }
        return false
    }

    static func bindingNamesUser(_ binding: JSONValue, _ user: LabUser, namespace: String) -> Bool {
        (binding["subjects"]?.arrayValue ?? []).contains { subjectMatches($0, user: user, bindingNamespace: namespace) }
    }

    /// A RoleBinding's roleRef may name a Role of its namespace or a ClusterRole (then scoped to the namespace).
    static func roleAllows(_ roleRef: JSONValue?, bindingNamespace: String?, _ a: Authorizer.Attributes, store: LabStore) -> Bool {
        guard let roleRef, let name = roleRef["name"]?.stringValue else { return false }
        let role: JSONValue?
        switch roleRef["kind"]?.stringValue {
        case "ClusterRole": role = try? store.get(.clusterRoles, namespace: nil, name: name)
        case "Role":
            guard let bindingNamespace else { return false }
            role = try? store.get(.roles, namespace: bindingNamespace, name: name)
        default: role = nil
        }
        return (role?["rules"]?.arrayValue ?? []).contains { ruleAllows($0, a) }
    }
}
