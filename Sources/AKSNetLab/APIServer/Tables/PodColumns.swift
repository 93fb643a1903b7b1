import KubeModel

/// The pod columns of the real server's printer (`kubectl get pods [-o wide]`).
enum PodColumns {
    typealias Column = TableRenderer.Column

    static let columns: [Column] = [
        Column("Name", format: "name", "Name must be unique within a namespace."),
        Column("Ready", "The aggregate readiness state of this pod for accepting traffic."),
        Column("Status", "The aggregate status of the containers in this pod."),
        Column("Restarts", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
        Column("Age", "CreationTimestamp"),
        Column("IP", priority: 1, "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated."),
        Column("Node", priority: 1, "NodeName is a request to schedule this pod onto a specific node."),
        Column("Nominated Node", priority: 1, "nominatedNodeName is set only when this pod preempts other pods on the node."),
        Column("Readiness Gates", priority: 1, "If specified, all readiness gates will be evaluated for pod readiness."),
    ]

    static func cells(_ pod: JSONValue, now: Double) -> [JSONValue] {
        let spec = pod["spec"] ?? .null
        let status = pod["status"] ?? .null
        let containers = spec["containers"]?.arrayValue ?? []
        let statuses = status["containerStatuses"]?.arrayValue ?? []
        let ready = statuses.filter { $0["ready"]?.boolValue == true }.count
        let restarts = statuses.reduce(Int64(0)) { $0 + ($1["restartCount"]?.intValue ?? 0) }
        var reason = status["reason"]?.stringValue ?? status["phase"]?.stringValue ?? "Unknown"
        for containerStatus in statuses {
            if let waiting = containerStatus["state"]?["waiting"]?["reason"]?.stringValue, !waiting.isEmpty {
                reason = waiting
            } else if let terminated = containerStatus["state"]?["terminated"], containerStatus["state"]?["running"] == nil {
                if let text = terminated["reason"]?.stringValue, !text.isEmpty { reason = text }
                else if let signal = terminated["signal"]?.intValue, signal != 0 { reason = "Signal:\(signal)" }
                else { reason = "ExitCode:\(terminated["exitCode"]?.intValue ?? 0)" }
            }
        }
        if pod["metadata"]?["deletionTimestamp"] != nil {
            reason = status["reason"]?.stringValue == "NodeLost" ? "Unknown" : "Terminating"
        }
        func orNone(_ value: String?) -> JSONValue { .string(value.flatMap { $0.isEmpty ? nil : $0 } ?? "<none>") }
        let gates = spec["readinessGates"]?.arrayValue ?? []
        let gatesCell: JSONValue
        if gates.isEmpty { gatesCell = "<none>" } else {
            let conditions = status["conditions"]?.arrayValue ?? []
            let passed = gates.filter { gate in
                conditions.contains { $0["type"] == gate["conditionType"] && $0["status"]?.stringValue == "True" }
            }.count
            gatesCell = .string("\(passed)/\(gates.count)")
        }
        return [
            .string(pod.name), .string("\(ready)/\(containers.count)"), .string(reason), .string(String(restarts)),
            .string(TableRenderer.age(pod, now: now)), orNone(status["podIP"]?.stringValue), orNone(spec["nodeName"]?.stringValue),
            orNone(status["nominatedNodeName"]?.stringValue), gatesCell,
        ]
    }
}

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

/// `kubectl get services [-o wide]`.
enum ServiceColumns {
    typealias Column = TableRenderer.Column

    static let columns: [Column] = [
        Column("Name", format: "name", "Name must be unique within a namespace."),
        Column("Type", "type determines how the Service is exposed."),
        Column("Cluster-IP", "clusterIP is the IP address of the service and is usually assigned randomly."),
        Column("External-IP", "List of IP addresses for which nodes in the cluster will also accept traffic for this service."),
        Column("Port(s)", "The ports that are exposed by this service."),
        Column("Age", "CreationTimestamp"),
        Column("Selector", priority: 1, "Route service traffic to pods with label keys and values matching this selector."),
    ]

    static func cells(_ service: JSONValue, now: Double) -> [JSONValue] {
        let spec = service["spec"] ?? .null
        let type = spec["type"]?.stringValue ?? "ClusterIP"
        var external = (spec["externalIPs"]?.arrayValue ?? []).compactMap(\.stringValue)
        external += (service["status"]?["loadBalancer"]?["ingress"]?.arrayValue ?? []).compactMap { $0["ip"]?.stringValue ?? $0["hostname"]?.stringValue }
        let externalCell = external.isEmpty ? (type == "LoadBalancer" ? "<pending>" : (type == "ExternalName" ? spec["externalName"]?.stringValue ?? "<none>" : "<none>")) : external.joined(separator: ",")
        let ports = (spec["ports"]?.arrayValue ?? []).map { port -> String in
            let number = port["port"]?.intValue ?? 0
            let proto = port["protocol"]?.stringValue ?? "TCP"
            if let nodePort = port["nodePort"]?.intValue, nodePort != 0 { return "\(number):\(nodePort)/\(proto)" }
            return "\(number)/\(proto)"
        }
        let selector = (spec["selector"]?.objectValue ?? JSONObject()).compactMap { key, value in value.stringValue.map { "\(key)=\($0)" } }.sorted()
        return [
            .string(service.name), .string(type), .string(spec["clusterIP"]?.stringValue ?? "<none>"), .string(externalCell),
            .string(ports.isEmpty ? "<none>" : ports.joined(separator: ",")), .string(TableRenderer.age(service, now: now)),
            .string(selector.isEmpty ? "<none>" : selector.joined(separator: ",")),
        ]
    }
}
