import KubeModel

/// `meta.k8s.io/v1` Table answers for kubectl's printing, with the columns the real server prints.
enum TableRenderer {
    struct Column {
        let name: String
        let type: String
        let format: String
        let priority: Int
        let description: String

        init(_ name: String, _ type: String = "string", format: String = "", priority: Int = 0, _ description: String = "") {
            self.name = name
            self.type = type
            self.format = format
            self.priority = priority
            self.description = description
        }

        var json: JSONValue {
            ["name": .string(name), "type": .string(type), "format": .string(format),
             "description": .string(description), "priority": .int(Int64(priority))]
        }
    }

    static func columns(for resource: ResourceType) -> [Column] {
        switch resource {
        case .pods: return PodColumns.columns
        case .nodes: return NodeColumns.columns
        case .namespaces:
            return [Column("Name", format: "name", "Name must be unique within a namespace."),
                    Column("Status", "The status of the namespace"), Column("Age", "CreationTimestamp")]
        case .services: return ServiceColumns.columns
        case .endpoints: return EndpointColumns.endpointsColumns
        case .endpointSlices: return EndpointColumns.sliceColumns
        default:
            return [Column("Name", format: "name", "Name must be unique within a namespace."), Column("Age", "CreationTimestamp")]
        }
    }

    static func cells(for resource: ResourceType, _ object: JSONValue, now: Double) -> [JSONValue] {
        switch resource {
        case .pods: return PodColumns.cells(object, now: now)
        case .nodes: return NodeColumns.cells(object, now: now)
        case .namespaces:
            return [.string(object.name), .string(object["status"]?["phase"]?.stringValue ?? "Active"), .string(age(object, now: now))]
        case .services: return ServiceColumns.cells(object, now: now)
        case .endpoints: return EndpointColumns.endpointsCells(object, now: now)
        case .endpointSlices: return EndpointColumns.sliceCells(object, now: now)
        default: return [.string(object.name), .string(age(object, now: now))]
        }
    }

    /// A Table of the objects; `resourceVersion` and `continueToken` go to its list metadata.
    static func table(_ resource: ResourceType, _ objects: [JSONValue], resourceVersion: String?, continueToken: String? = nil,
                      includeObject: String = "Metadata", withColumns: Bool = true) -> JSONValue {
        let now = LabClock.now()
        var metadata = JSONObject()
        if let resourceVersion { metadata["resourceVersion"] = .string(resourceVersion) }
        if let continueToken { metadata["continue"] = .string(continueToken) }
        let rows: [JSONValue] = objects.map { object in
            var row: JSONValue = ["cells": .array(cells(for: resource, object, now: now))]
            switch includeObject {
            case "None": break
            case "Object": row.set("object", object)
            default: row.set("object", partialMetadata(object))
            }
            return row
        }
        var table: JSONValue = ["kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": .object(metadata)]
        table.set("columnDefinitions", withColumns ? .array(columns(for: resource).map(\.json)) : .null)
        table.set("rows", .array(rows))
        return table
    }

    static func partialMetadata(_ object: JSONValue) -> JSONValue {
        ["kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": object["metadata"] ?? .object(JSONObject())]
    }

    static func age(_ object: JSONValue, now: Double) -> String {
        guard let text = object["metadata"]?["creationTimestamp"]?.stringValue, let created = RFC3339.parse(text) else { return "<unknown>" }
        return HumanDuration.format(now - created)
    }
}

/// Go's `duration.HumanDuration`, as kubectl's AGE column shows it.
enum HumanDuration {
    static func format(_ interval: Double) -> String {
        if interval < -1 { return "<invalid>" }
        let seconds = Int(max(0, interval))
        if seconds < 60 * 2 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 { let s = seconds % 60; return s == 0 ? "\(minutes)m" : "\(minutes)m\(s)s" }
        if minutes < 60 * 3 { return "\(minutes)m" }
        let hours = minutes / 60
        if hours < 8 { let m = minutes % 60; return m == 0 ? "\(hours)h" : "\(hours)h\(m)m" }
        if hours < 48 { return "\(hours)h" }
        if hours < 24 * 8 { let h = hours % 24; return h == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(h)h" }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        let years = hours / 24 / 365
        if years < 8 { let d = (hours / 24) % 365; return d == 0 ? "\(years)y" : "\(years)y\(d)d" }
        return "\(years)y"
    }
}
