import KubeClient
import KubeModel

/// The API half of the evidence: version, nodes, services, EndpointSlices, kube-system's
/// DaemonSets, pods and only the ConfigMaps that describe the network (kube-proxy*,
/// ip-masq-agent*, azure-ip-masq-agent*, coredns*). Never Secrets. Each read that fails is
/// one line in `apiErrors`; none is fatal.
public enum APICollector {
    /// ConfigMap names (prefixes) kept from kube-system.
    public static let configMapPrefixes = ["kube-proxy", "ip-masq-agent", "azure-ip-masq-agent", "coredns"]

    public struct Result: Sendable {
        public var api: [String: JSONValue] = [:]
        public var errors: [String: String] = [:]
    }

    public static func collect(_ client: any KubeAPI) -> Result {
        var result = Result()
        do {
            result.api[APIEvidenceKeys.version] = try client.serverVersion()
        } catch {
            result.errors[APIEvidenceKeys.version] = line(error, verb: "get", what: "/version")
        }
        let reads: [(key: String, path: ResourcePath, what: String)] = [
            (APIEvidenceKeys.nodes, .nodes(), "nodes"),
            (APIEvidenceKeys.services, ResourcePath(resource: "services"), "services in all namespaces"),
            (APIEvidenceKeys.endpointSlices, ResourcePath(group: "discovery.k8s.io", resource: "endpointslices"),
             "endpointslices.discovery.k8s.io in all namespaces"),
            (APIEvidenceKeys.kubeSystemDaemonSets, ResourcePath(group: "apps", resource: "daemonsets", namespace: "kube-system"),
             "daemonsets.apps in kube-system"),
            (APIEvidenceKeys.kubeSystemConfigMaps, ResourcePath(resource: "configmaps", namespace: "kube-system"),
             "configmaps in kube-system"),
            (APIEvidenceKeys.kubeSystemPods, .pods("kube-system"), "pods in kube-system"),
        ]
        for read in reads {
            do {
                var items = try client.list(read.path).items
                if read.key == APIEvidenceKeys.kubeSystemConfigMaps { items = items.filter(isNetworkConfigMap) }
                if read.key == APIEvidenceKeys.kubeSystemPods { items = items.map(withoutEnvValues) }
                result.api[read.key] = ["kind": "List", "apiVersion": "v1", "items": .array(items.map(withoutManagedFields))]
            } catch {
                result.errors[read.key] = line(error, verb: "list", what: read.what)
            }
        }
        return result
    }

    static func isNetworkConfigMap(_ object: JSONValue) -> Bool {
        guard let name = object.metadataName else { return false }
        return configMapPrefixes.contains { name.hasPrefix($0) }
    }

    /// Pods keep their spec, but not env values (they may hold credentials); names stay.
    static func withoutEnvValues(_ pod: JSONValue) -> JSONValue {
        var pod = pod
        for list in ["containers", "initContainers"] {
            guard let containers = pod["spec"]?[list]?.arrayValue else { continue }
            let cleaned = containers.map { container -> JSONValue in
                guard let env = container["env"]?.arrayValue else { return container }
                let names = env.map { entry -> JSONValue in ["name": entry["name"] ?? .null] }
                return container.replacing(["env"], with: .array(names))
            }
            pod = pod.replacing(["spec", list], with: .array(cleaned))
        }
        return pod
    }

    static func withoutManagedFields(_ object: JSONValue) -> JSONValue {
        guard var metadata = object["metadata"]?.objectValue, metadata["managedFields"] != nil else { return object }
        metadata["managedFields"] = nil
        return object.replacing(["metadata"], with: .object(metadata))
    }

    /// `forbidden: list daemonsets.apps in kube-system: <server's message>` on one line.
    static func line(_ error: KubeError, verb: String, what: String) -> String {
        let kind: String
        switch error.kind {
        case .forbidden: kind = "forbidden"
        case .notFound: kind = "not found"
        case .unauthorized: kind = "unauthorized"
        default: kind = "failed"
        }
        let message = (error.status?.message ?? error.message).split(separator: "\n").first.map(String.init) ?? ""
        return "\(kind): \(verb) \(what)" + (message.isEmpty ? "" : ": " + message)
    }
}

extension JSONValue {
    /// A copy with the value at `path` replaced (objects made on the way).
    func replacing(_ path: [String], with value: JSONValue) -> JSONValue {
        guard let key = path.first else { return value }
        var object = objectValue ?? JSONObject()
        let inner = object[key] ?? .object(JSONObject())
        object[key] = path.count == 1 ? value : inner.replacing(Array(path.dropFirst()), with: value)
        return .object(object)
    }
}
