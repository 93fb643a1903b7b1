import KubeModel

/// Small in-place edits of untyped API objects.
extension JSONValue {
    mutating func set(_ key: String, _ newValue: JSONValue?) {
        var object = objectValue ?? JSONObject()
        object[key] = newValue
        self = .object(object)
    }

    func value(at path: [String]) -> JSONValue? {
        var current: JSONValue? = self
        for key in path { current = current?[key] }
        return current
    }

    mutating func set(path: [String], _ newValue: JSONValue?) {
        guard let first = path.first else {
            if let newValue { self = newValue }
            return
        }
        if path.count == 1 { set(first, newValue); return }
        var child = self[first] ?? .object(JSONObject())
        if case .object = child {} else { child = .object(JSONObject()) }
        child.set(path: Array(path.dropFirst()), newValue)
        set(first, child)
    }

    var labels: [String: String] {
        var out: [String: String] = [:]
        for (key, value) in self["metadata"]?["labels"]?.objectValue ?? JSONObject() {
            if let text = value.stringValue { out[key] = text }
        }
        return out
    }

    var name: String { self["metadata"]?["name"]?.stringValue ?? "" }
}
