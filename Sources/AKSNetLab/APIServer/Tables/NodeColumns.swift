import KubeModel

/// `kubectl get nodes [-o wide]`.
enum NodeColumns {
    typealias Column = TableRenderer.Column

    static let columns: [Column] = [
        Column("Name", format: "name", "Name must be unique within a namespace."),
        Column("Status", "The status of the node"),
        Column("Roles", "The roles of the node"),
        Column("Age", "CreationTimestamp"),
        Column("Version", "Kubelet Version reported by the node."),
        Column("Internal-IP", priority: 1, "List of addresses reachable to the node. Queried from cloud provider, if available."),
        Column("External-IP", priority: 1, "List of addresses reachable to the node. Queried from cloud provider, if available."),
        Column("OS-Image", priority: 1, "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."),
        Column("Kernel-Version", priority: 1, "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
        Column("Container-Runtime", priority: 1, "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2)."),
    ]

    static func cells(_ node: JSONValue, now: Double) -> [JSONValue] {
        let status = node["status"] ?? .null
        let ready = (status["conditions"]?.arrayValue ?? []).first { $0["type"]?.stringValue == "Ready" }
        var state = ready?["status"]?.stringValue == "True" ? "Ready" : (ready == nil ? "Unknown" : "NotReady")
        if node["spec"]?["unschedulable"]?.boolValue == true { state += ",SchedulingDisabled" }
        var roles: [String] = []
        for (key, value) in node.labels.sorted(by: { $0.key < $1.key }) {
            if key.hasPrefix("node-role.kubernetes.io/") { roles.append(String(key.dropFirst("node-role.kubernetes.io/".count))) }
            if key == "kubernetes.io/role", !value.isEmpty { roles.append(value) }
        }
        let addresses = status["addresses"]?.arrayValue ?? []
        func address(_ type: String) -> JSONValue {
            .string(addresses.first { $0["type"]?.stringValue == type }?["address"]?.stringValue ?? "<none>")
        }
        let info = status["nodeInfo"] ?? .null
        func text(_ key: String) -> JSONValue { .string(info[key]?.stringValue ?? "") }
        return [
            .string(node.name), .string(state), .string(roles.isEmpty ? "<none>" : roles.joined(separator: ",")),
            .string(TableRenderer.age(node, now: now)), text("kubeletVersion"), address("InternalIP"), address("ExternalIP"),
            .string(info["osImage"]?.stringValue ?? "<unknown>"), .string(info["kernelVersion"]?.stringValue ?? "<unknown>"),
            .string(info["containerRuntimeVersion"]?.stringValue ?? "<unknown>"),
        ]
    }
}
