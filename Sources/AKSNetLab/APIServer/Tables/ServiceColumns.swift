import KubeModel

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
