import KubeModel

/// `/version`, `/api`, `/apis` and the group-version resource lists kubectl discovers.
enum Discovery {
    static let groups: [(name: String, version: String)] = [
        ("apps", "v1"), ("authorization.k8s.io", "v1"), ("discovery.k8s.io", "v1"), ("networking.k8s.io", "v1"),
        ("rbac.authorization.k8s.io", "v1"),
    ]

    static func version() -> JSONValue {
        VersionInfo(major: LabVersion.major, minor: LabVersion.minor, gitVersion: LabVersion.gitVersion,
                    gitCommit: "0000000000000000000000000000000000000000", gitTreeState: "clean",
                    buildDate: "2025-05-15T00:00:00Z", goVersion: "go1.23.8", compiler: "gc",
                    platform: "linux/amd64").json
    }

    static func coreVersions(serverAddress: String) -> JSONValue {
        ["kind": "APIVersions", "versions": ["v1"],
         "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": .string(serverAddress)]]]
    }

    static func groupList() -> JSONValue {
        let entries: [JSONValue] = groups.map { group in
            let version: JSONValue = ["groupVersion": .string("\(group.name)/\(group.version)"), "version": .string(group.version)]
            return ["name": .string(group.name), "versions": [version], "preferredVersion": version]
        }
        return ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(entries)]
    }

    static func group(_ name: String) -> JSONValue? {
        guard let group = groups.first(where: { $0.name == name }) else { return nil }
        let version: JSONValue = ["groupVersion": .string("\(group.name)/\(group.version)"), "version": .string(group.version)]
        return ["kind": "APIGroup", "apiVersion": "v1", "name": .string(name), "versions": [version], "preferredVersion": version]
    }

    /// The APIResourceList of one group version, nil when the lab does not serve it.
    static func resourceList(group: String, version: String) -> JSONValue? {
        let groupVersion = group.isEmpty ? version : "\(group)/\(version)"
        var resources: [JSONValue] = []
        if group == "authorization.k8s.io", version == "v1" {
            for (plural, kind) in [("selfsubjectaccessreviews", "SelfSubjectAccessReview"), ("selfsubjectrulesreviews", "SelfSubjectRulesReview")] {
                resources.append(["name": .string(plural), "singularName": .string(kind.lowercased()), "namespaced": false,
                                  "kind": .string(kind), "verbs": ["create"]])
            }
        } else {
            let types = ResourceType.all.filter { $0.group == group && $0.version == version }
            guard !types.isEmpty else { return nil }
            for type in types.sorted(by: { $0.plural < $1.plural }) {
                var entry: JSONValue = ["name": .string(type.plural), "singularName": .string(type.singular),
                                        "namespaced": .bool(type.namespaced), "kind": .string(type.kind),
                                        "verbs": .array(ResourceType.standardVerbs.map { .string($0) })]
                if !type.shortNames.isEmpty { entry.set("shortNames", .array(type.shortNames.map { .string($0) })) }
                if !type.categories.isEmpty { entry.set("categories", .array(type.categories.map { .string($0) })) }
                resources.append(entry)
                for sub in type.subresources {
                    resources.append(["name": .string("\(type.plural)/\(sub.name)"), "singularName": "",
                                      "namespaced": .bool(type.namespaced), "kind": .string(sub.kind),
                                      "verbs": .array(sub.verbs.map { .string($0) })])
                }
            }
        }
        return ["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(groupVersion), "resources": .array(resources)]
    }
}
