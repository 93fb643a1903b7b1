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
