import KubeModel

extension JSONValue {
    /// A copy with the value at `path` set (objects made on the way; nil removes the key).
    func setting(_ path: [String], to value: JSONValue?) -> JSONValue {
        guard let key = path.first else { return value ?? .null }
        var object = objectValue ?? JSONObject()
        let inner = object[key] ?? .object(JSONObject())
        object[key] = path.count == 1 ? value : inner.setting(Array(path.dropFirst()), to: value)
        return .object(object)
    }

    /// The equality labels of `metadata.labels` hold every `k=v` of a selector like `a=b,c=d`.
    func matches(labelSelector: String?) -> Bool {
        guard let labelSelector, !labelSelector.isEmpty else { return true }
        return labelSelector.split(separator: ",").allSatisfy { term in
            let parts = term.split(separator: "=", maxSplits: 1).map(String.init)
            return parts.count == 2 && self["metadata"]?["labels"]?[parts[0]]?.stringValue == parts[1]
        }
    }

    /// The two field selectors AKSNet sends: `metadata.name=X` and `involvedObject.name=X`.
    func matches(fieldSelector: String?) -> Bool {
        guard let fieldSelector, !fieldSelector.isEmpty else { return true }
        let parts = fieldSelector.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return false }
        let path = parts[0].split(separator: ".").map(String.init)
        var value: JSONValue? = self
        for key in path { value = value?[key] }
        return value?.stringValue == parts[1]
    }
}
