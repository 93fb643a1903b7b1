import KubeModel

/// PATCH bodies: RFC 7386 merge patch, Kubernetes strategic merge (containers merged by name),
/// RFC 6902 JSON patch.
enum Patching {
    static func apply(_ type: PatchType, patch: JSONValue, to object: JSONValue) throws -> JSONValue {
        switch type {
        case .merge: return mergePatch(object, patch)
        case .strategicMerge: return strategicMerge(object, patch, key: "")
        case .json: return try JSONPatch.apply(patch, to: object)
        }
    }

    static func mergePatch(_ target: JSONValue, _ patch: JSONValue) -> JSONValue {
        guard case .object(let patchObject) = patch else { return patch }
        var result = target.objectValue ?? JSONObject()
        for (key, value) in patchObject {
            if case .null = value { result[key] = nil; continue }
            result[key] = mergePatch(result[key] ?? .null, value)
        }
        return .object(result)
    }

    /// Lists merged by `name` in strategic merge patches (the pod fields that matter here).
    static let mergeByName: Set<String> = ["containers", "initContainers", "ephemeralContainers", "volumes", "env", "ports", "volumeMounts"]

    static func strategicMerge(_ target: JSONValue, _ patch: JSONValue, key: String) -> JSONValue {
        if case .array(let patchItems) = patch, mergeByName.contains(key), case .array(let targetItems) = target {
            var merged = targetItems
            for item in patchItems {
                let name = item["name"]?.stringValue ?? item["containerPort"].map { $0.serialized() } ?? ""
                if item["$patch"]?.stringValue == "delete" {
                    merged.removeAll { ($0["name"]?.stringValue ?? "") == name }
                    continue
                }
                if let index = merged.firstIndex(where: { ($0["name"]?.stringValue ?? $0["containerPort"].map { $0.serialized() } ?? "") == name }), !name.isEmpty {
                    merged[index] = strategicMerge(merged[index], item, key: "")
                } else {
                    merged.append(stripDirectives(item))
                }
            }
            return .array(merged)
        }
        guard case .object(let patchObject) = patch else { return stripDirectives(patch) }
        if patchObject["$patch"]?.stringValue == "replace" {
            var replaced = patchObject
            replaced["$patch"] = nil
            return .object(replaced)
        }
        var result = target.objectValue ?? JSONObject()
        for (childKey, value) in patchObject {
            if childKey.hasPrefix("$") { continue }
            if case .null = value { result[childKey] = nil; continue }
            result[childKey] = strategicMerge(result[childKey] ?? .null, value, key: childKey)
        }
        return .object(result)
    }

    static func stripDirectives(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            var out = JSONObject()
            for (key, child) in object where !key.hasPrefix("$") { out[key] = stripDirectives(child) }
            return .object(out)
        case .array(let items): return .array(items.map(stripDirectives))
        default: return value
        }
    }
}
