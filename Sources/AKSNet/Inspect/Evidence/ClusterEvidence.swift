import KubeModel

/// Everything one inspect run collected, before any analysis: the API objects it read, what it
/// could not read and why, and each node's command runs. Analysis is a pure function of this
/// value, so `inspect --from BUNDLE` gives the same report as the live run that made the bundle.
/// Holds no Secret, token or key: only the objects `APIEvidenceKeys` names are kept.
public struct ClusterEvidence: Sendable, Equatable {
    public static let schema = "aksnet.io/evidence/v1"

    /// RFC 3339, when collection started.
    public var collectedAt: String
    /// The kubeconfig context and API server (no credentials).
    public var context: String?
    public var server: String?
    /// API objects by `APIEvidenceKeys` key, as the server returned them (lists keep their items).
    public var api: [String: JSONValue]
    /// API reads that failed, by key: one line each (`forbidden: list daemonsets in kube-system`).
    public var apiErrors: [String: String]
    /// Verbs the user lacks for node collection (`create pods`, `create pods/exec`): the report
    /// then holds the API-only part and says what is missing.
    public var missingPermissions: [String]
    public var nodes: [NodeEvidence]

    public init(collectedAt: String, context: String? = nil, server: String? = nil, api: [String: JSONValue] = [:],
                apiErrors: [String: String] = [:], missingPermissions: [String] = [], nodes: [NodeEvidence] = []) {
        self.collectedAt = collectedAt
        self.context = context
        self.server = server
        self.api = api
        self.apiErrors = apiErrors
        self.missingPermissions = missingPermissions
        self.nodes = nodes
    }

    public func node(_ name: String) -> NodeEvidence? { nodes.first { $0.node == name } }

    public var json: JSONValue {
        var object = JSONObject()
        object["schema"] = .string(Self.schema)
        object["collectedAt"] = .string(collectedAt)
        object["context"] = context.map { .string($0) } ?? .null
        object["server"] = server.map { .string($0) } ?? .null
        var api = JSONObject()
        for key in self.api.keys.sorted() { api[key] = self.api[key] }
        object["api"] = .object(api)
        var errors = JSONObject()
        for key in apiErrors.keys.sorted() { errors[key] = apiErrors[key].map { .string($0) } }
        object["apiErrors"] = .object(errors)
        object["missingPermissions"] = .array(missingPermissions.map { .string($0) })
        object["nodes"] = .array(nodes.map(\.json))
        return .object(object)
    }

    public init(json: JSONValue) throws(EvidenceError) {
        guard let schema = json["schema"]?.stringValue else { throw EvidenceError("not aksnet evidence: no schema field") }
        guard schema == Self.schema else {
            throw EvidenceError("evidence schema \(schema) is not \(Self.schema); use the aksnet version that made it")
        }
        collectedAt = json["collectedAt"]?.stringValue ?? ""
        context = json["context"]?.stringValue
        server = json["server"]?.stringValue
        var api: [String: JSONValue] = [:]
        for (key, value) in json["api"]?.objectValue ?? JSONObject() { api[key] = value }
        self.api = api
        var errors: [String: String] = [:]
        for (key, value) in json["apiErrors"]?.objectValue ?? JSONObject() { errors[key] = value.stringValue ?? "" }
        apiErrors = errors
        missingPermissions = json["missingPermissions"]?.arrayValue?.compactMap(\.stringValue) ?? []
        var nodes: [NodeEvidence] = []
        for node in json["nodes"]?.arrayValue ?? [] { nodes.append(try NodeEvidence(json: node)) }
        self.nodes = nodes
    }
}

/// The keys of `ClusterEvidence.api`: what inspect reads from the API (never Secrets).
public enum APIEvidenceKeys {
    public static let version = "version"                  // GET /version
    public static let nodes = "nodes"                      // list nodes
    public static let services = "services"                // list services, all namespaces
    public static let endpointSlices = "endpointslices"    // list discovery.k8s.io/v1 endpointslices, all namespaces
    public static let kubeSystemDaemonSets = "kube-system/daemonsets"
    public static let kubeSystemConfigMaps = "kube-system/configmaps" // kube-proxy, ip-masq-agent*, coredns*, only these names
    public static let kubeSystemPods = "kube-system/pods"  // CNI, kube-proxy, policy engine pods (their spec, no env values)
}
