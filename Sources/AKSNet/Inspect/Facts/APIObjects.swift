import KubeModel

/// Read access to the raw API objects of the evidence: lists as their items, labels, names.
struct APIObjects {
    let api: [String: JSONValue]

    func items(_ key: String) -> [JSONValue] {
        guard let value = api[key] else { return [] }
        return value["items"]?.arrayValue ?? value.arrayValue ?? []
    }

    static func name(_ object: JSONValue) -> String { object["metadata"]?["name"]?.stringValue ?? "" }
    static func namespace(_ object: JSONValue) -> String { object["metadata"]?["namespace"]?.stringValue ?? "" }
    static func label(_ object: JSONValue, _ key: String) -> String? { object["metadata"]?["labels"]?[key]?.stringValue }
    static func strings(_ value: JSONValue?) -> [String] { value?.arrayValue?.compactMap(\.stringValue) ?? [] }

    var nodes: [JSONValue] { items(APIEvidenceKeys.nodes) }
    var daemonSets: [JSONValue] { items(APIEvidenceKeys.kubeSystemDaemonSets) }
    var configMaps: [JSONValue] { items(APIEvidenceKeys.kubeSystemConfigMaps) }
    var services: [JSONValue] { items(APIEvidenceKeys.services) }
    var endpointSlices: [JSONValue] { items(APIEvidenceKeys.endpointSlices) }
    var kubeSystemPods: [JSONValue] { items(APIEvidenceKeys.kubeSystemPods) }

    /// `api:KEY` evidence quoting `KEY/NAME: text`.
    static func line(_ key: String, _ object: JSONValue, _ text: String, node: String? = nil) -> EvidenceLine {
        EvidenceLine(node: node, source: "api:\(key)", line: nil, text: "\(name(object)): \(text)")
    }
}
