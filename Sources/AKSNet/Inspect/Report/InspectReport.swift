import KubeModel

/// The result of analysing `ClusterEvidence`: the cluster's facts, its findings and the
/// data-path explanation. Renderers (text, JSON, Markdown, HTML) take only this value.
/// Schema `aksnet.io/inspect/v1` (schema/inspect-v1.schema.json). A pure function of the
/// evidence: no clock is read, so `--from BUNDLE` gives the same report.
public struct InspectReport: Sendable, Equatable {
    public static let apiVersion = "aksnet.io/inspect/v1"
    public static let kind = "InspectReport"

    /// What the report was made from (kept for bundles; not part of the JSON report).
    public var evidence: ClusterEvidence
    public var cluster: ClusterFacts
    public var nodes: [NodeFacts]
    public var pools: [PoolFacts]
    /// Sorted: errors first, then by id and node.
    public var findings: [Finding]
    public var dataPath: DataPath?
    public var notCollected: [NotCollectedNode]

    public init(evidence: ClusterEvidence, cluster: ClusterFacts = ClusterFacts(), nodes: [NodeFacts] = [],
                pools: [PoolFacts] = [], findings: [Finding], dataPath: DataPath? = nil, notCollected: [NotCollectedNode] = []) {
        self.evidence = evidence
        self.cluster = cluster
        self.nodes = nodes
        self.pools = pools
        self.findings = findings
        self.dataPath = dataPath
        self.notCollected = notCollected
    }

    public var collectedAt: String { evidence.collectedAt }
    public var context: String? { evidence.context }
    public var server: String? { evidence.server }
    public var missingPermissions: [String] { evidence.missingPermissions }
    public var apiErrors: [String: String] { evidence.apiErrors }

    /// Exit code the command gives: 3 when an error finding exists, else 0.
    public var exitCode: Int32 { findings.contains { $0.severity == .error } ? 3 : 0 }

    public func findings(_ id: String) -> [Finding] { findings.filter { $0.id == id } }
}

/// `-o` of inspect.
public enum InspectFormat: String, Sendable, CaseIterable {
    case text, json, markdown, html
}
