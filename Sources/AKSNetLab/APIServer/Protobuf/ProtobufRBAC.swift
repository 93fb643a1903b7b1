/// rbac.authorization.k8s.io/v1 as kubectl's generators send it (`kubectl create role`,
/// `clusterrole`, `rolebinding`, `clusterrolebinding`); field numbers from k8s.io/api/rbac/v1/generated.proto.
extension ProtobufKinds {
    static let policyRule = ProtobufSchema([
        1: ("verbs", .repeated(.string)), 2: ("apiGroups", .repeated(.string)), 3: ("resources", .repeated(.string)),
        4: ("resourceNames", .repeated(.string)), 5: ("nonResourceURLs", .repeated(.string)),
    ])
    static let subject = ProtobufSchema([1: ("kind", .string), 2: ("apiGroup", .string), 3: ("name", .string), 4: ("namespace", .string)])
    static let roleRef = ProtobufSchema([1: ("apiGroup", .string), 2: ("kind", .string), 3: ("name", .string)])
    static let role = ProtobufSchema([1: ("metadata", .message(objectMeta)), 2: ("rules", .repeated(.message(policyRule)))])
    static let binding = ProtobufSchema([1: ("metadata", .message(objectMeta)), 2: ("subjects", .repeated(.message(subject))),
                                         3: ("roleRef", .message(roleRef))])
    static let rbacKinds: [String: ProtobufSchema] = [
        "Role": role, "ClusterRole": role, "RoleBinding": binding, "ClusterRoleBinding": binding,
    ]
}
