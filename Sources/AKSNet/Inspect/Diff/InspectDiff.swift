/// What changed between two inspect snapshots of a cluster (two bundles, or a bundle and the live
/// cluster): nodes added or removed, per node its routes, iptables rules (by table and chain,
/// counters ignored), sysctls (counters such as nf_conntrack_count ignored), CNI config files and
/// a few facts, and the findings that appeared or were resolved. A pure function of the two
/// reports (each carries its evidence): two snapshots of an unchanged cluster give no change,
/// however far the counters moved and whenever they were taken.
public struct InspectDiff: Sendable, Equatable {
    public static let apiVersion = "aksnet.io/inspect-diff/v1"

    public struct Snapshot: Sendable, Equatable {
        public var collectedAt: String
        public var context: String?
    }

    public var old: Snapshot
    public var new: Snapshot
    /// Cluster facts that changed (network mode, kube-proxy mode, policy engine…).
    public var cluster: [ValueChange]
    /// kubenet: the route table's `podCIDR → node IP` entries that work (a node's entry counts as
    /// missing when a `missing-route` finding names the node), so a route lost between the two
    /// snapshots is named even though no node holds it.
    public var routeTable: LineChanges
    public var nodesAdded: [String]
    public var nodesRemoved: [String]
    /// Nodes in both snapshots that changed, by name.
    public var nodes: [NodeDiff]
    /// By id and the set of nodes (errors first, as the report sorts them).
    public var findingsAppeared: [Finding]
    public var findingsResolved: [Finding]

    public var isEmpty: Bool {
        cluster.isEmpty && routeTable.isEmpty && nodesAdded.isEmpty && nodesRemoved.isEmpty && nodes.isEmpty && findingsAppeared.isEmpty && findingsResolved.isEmpty
    }

    /// For `inspect --diff`: 3 when an error finding appeared (a CI job can gate on a change
    /// that broke something), else 0; like the report's own exit code.
    public var exitCode: Int32 { findingsAppeared.contains { $0.severity == .error } ? 3 : 0 }

    /// The diff of two analysed snapshots.
    public static func diff(old: InspectReport, new: InspectReport) -> InspectDiff {
        let oldNames = Set(old.evidence.nodes.map(\.node)).union(old.nodes.map(\.name))
        let newNames = Set(new.evidence.nodes.map(\.node)).union(new.nodes.map(\.name))
        var nodes: [NodeDiff] = []
        for name in oldNames.intersection(newNames).sorted() {
            let change = NodeDiffer.diff(node: name, old: (old.evidence.node(name), old.nodes.first { $0.name == name }),
                                         new: (new.evidence.node(name), new.nodes.first { $0.name == name }))
            if !change.isEmpty { nodes.append(change) }
        }
        let findings = FindingDiffer.diff(old: old.findings, new: new.findings)
        return InspectDiff(
            old: Snapshot(collectedAt: old.collectedAt, context: old.context),
            new: Snapshot(collectedAt: new.collectedAt, context: new.context),
            cluster: ClusterDiffer.diff(old: old.cluster, new: new.cluster),
            routeTable: LineChanges.between(routeTableEntries(old), routeTableEntries(new)),
            nodesAdded: newNames.subtracting(oldNames).sorted(), nodesRemoved: oldNames.subtracting(newNames).sorted(),
            nodes: nodes, findingsAppeared: findings.appeared, findingsResolved: findings.resolved)
    }

    static func routeTableEntries(_ report: InspectReport) -> [String] {
        TopologyModelBuilder.model(report).pools.flatMap(\.nodes)
            .filter { $0.link.kind == .routeTable && !$0.link.missing && !$0.podCIDRs.isEmpty }
            .map(\.link.label).sorted()
    }

    /// The diff of two collected snapshots (bundles' evidence, or a bundle and a live collection):
    /// each is analysed first, so findings can be compared.
    public static func diff(old: ClusterEvidence, new: ClusterEvidence) -> InspectDiff {
        diff(old: InspectAnalyzer.analyze(old), new: InspectAnalyzer.analyze(new))
    }
}

/// A keyed value that changed; nil on a side where it did not exist.
public struct ValueChange: Sendable, Equatable {
    public var key: String
    public var old: String?
    public var new: String?

    public init(key: String, old: String?, new: String?) {
        self.key = key
        self.old = old
        self.new = new
    }
}

/// Lines that appeared and disappeared (each as often as it did: rules can repeat).
public struct LineChanges: Sendable, Equatable {
    public var added: [String]
    public var removed: [String]

    public var isEmpty: Bool { added.isEmpty && removed.isEmpty }

    public init(added: [String] = [], removed: [String] = []) {
        self.added = added
        self.removed = removed
    }

    /// Multiset difference, in the order the lines come in each side.
    public static func between(_ old: [String], _ new: [String]) -> LineChanges {
        var remaining: [String: Int] = [:]
        for line in new { remaining[line, default: 0] += 1 }
        var removed: [String] = []
        for line in old {
            if let n = remaining[line], n > 0 { remaining[line] = n - 1 } else { removed.append(line) }
        }
        var pending: [String: Int] = [:]
        for line in old { pending[line, default: 0] += 1 }
        var added: [String] = []
        for line in new {
            if let n = pending[line], n > 0 { pending[line] = n - 1 } else { added.append(line) }
        }
        return LineChanges(added: added, removed: removed)
    }
}
