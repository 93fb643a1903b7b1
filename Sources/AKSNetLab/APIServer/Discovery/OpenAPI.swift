import KubeModel

/// Just enough OpenAPI v3 for kubectl to see that the server validates fields itself
/// (`fieldValidation` on every PATCH and POST), so `kubectl create -f` needs no schema.
enum OpenAPI {
    static func groupVersions() -> [(group: String, version: String)] {
        var out: [(String, String)] = []
        for type in ResourceType.all where !out.contains(where: { $0.0 == type.group && $0.1 == type.version }) {
            out.append((type.group, type.version))
        }
        return out
    }

    static func pathPrefix(group: String, version: String) -> String { group.isEmpty ? "api/\(version)" : "apis/\(group)/\(version)" }

    static func root() -> JSONValue {
        var paths = JSONObject()
        for (group, version) in groupVersions() {
            let prefix = pathPrefix(group: group, version: version)
            paths[prefix] = ["serverRelativeURL": .string("/openapi/v3/\(prefix)?hash=aksnetlab")]
        }
        return ["paths": .object(paths)]
    }

    static func document(path: String) -> JSONValue? {
        guard let (group, version) = groupVersions().first(where: { "/openapi/v3/" + pathPrefix(group: $0.group, version: $0.version) == path }) else {
            return nil
        }
        let parameter: JSONValue = ["name": "fieldValidation", "in": "query", "schema": ["type": "string", "uniqueItems": true]]
        var paths = JSONObject()
        for type in ResourceType.all where type.group == group && type.version == version {
            let gvk: JSONValue = ["group": .string(group), "version": .string(version), "kind": .string(type.kind)]
            let operation: JSONValue = ["x-kubernetes-group-version-kind": gvk, "parameters": [parameter],
                                        "responses": ["200": ["description": "OK"]]]
            let base = "/" + pathPrefix(group: group, version: version) + (type.namespaced ? "/namespaces/{namespace}" : "") + "/" + type.plural
            paths[base] = ["post": operation]
            paths[base + "/{name}"] = ["patch": operation, "put": operation]
        }
        return ["openapi": "3.0.0", "info": ["title": "Kubernetes", "version": .string(LabVersion.gitVersion)], "paths": .object(paths)]
    }
}
