import KubeModel

/// `kubectl get endpoints` and `kubectl get endpointslices`: the address:port lists, at most
/// three then "+ N more...", as the real printers cut them.
enum EndpointColumns {
    typealias Column = TableRenderer.Column

    static let endpointsColumns: [Column] = [
        Column("Name", format: "name", "Name must be unique within a namespace."),
        Column("Endpoints", "Endpoints is the list of endpoints for the service."),
        Column("Age", "CreationTimestamp"),
    ]

    static let sliceColumns: [Column] = [
        Column("Name", format: "name", "Name must be unique within a namespace."),
        Column("AddressType", "The IP protocol for this slice."),
        Column("Ports", "The ports in this slice."),
        Column("Endpoints", "The endpoints in this slice."),
        Column("Age", "CreationTimestamp"),
    ]

    static func endpointsCells(_ object: JSONValue, now: Double) -> [JSONValue] {
        var entries: [String] = []
        for subset in object["subsets"]?.arrayValue ?? [] {
            let addresses = (subset["addresses"]?.arrayValue ?? []).compactMap { $0["ip"]?.stringValue }
            let ports = (subset["ports"]?.arrayValue ?? []).compactMap { $0["port"]?.intValue }
            for address in addresses {
                if ports.isEmpty { entries.append(address) }
                for port in ports { entries.append("\(address):\(port)") }
            }
        }
        return [.string(object.name), .string(cut(entries)), .string(TableRenderer.age(object, now: now))]
    }

    static func sliceCells(_ object: JSONValue, now: Double) -> [JSONValue] {
        let ports = (object["ports"]?.arrayValue ?? []).compactMap { $0["port"]?.intValue.map(String.init) }
        let addresses = (object["endpoints"]?.arrayValue ?? []).flatMap { ($0["addresses"]?.arrayValue ?? []).compactMap(\.stringValue) }
        return [.string(object.name), .string(object["addressType"]?.stringValue ?? ""),
                .string(ports.isEmpty ? "<unset>" : ports.joined(separator: ",")), .string(cut(addresses)),
                .string(TableRenderer.age(object, now: now))]
    }

    static func cut(_ entries: [String]) -> String {
        if entries.isEmpty { return "<none>" }
        if entries.count <= 3 { return entries.joined(separator: ",") }
        return entries.prefix(3).joined(separator: ",") + " + \(entries.count - 3) more..."
    }
}
