/// What changed on one node.
public struct NodeDiff: Sendable, Equatable {
    public var node: String
    /// Facts: collected, internal IPs, pod CIDRs, kube-proxy mode, Ready.
    public var facts: [ValueChange]
    /// Routes of every table, both families (`ip-route`, `ip6-route`), one line each.
    public var routes: LineChanges
    public var rules: [ChainDiff]
    public var sysctls: [ValueChange]
    public var cniFiles: [FileDiff]
    /// Reachability of the other nodes' pods from this one (`pod-network-probe`), keyed
    /// `PEER ADDRESS`, values `ok`/`fail`.
    public var probes: [ValueChange]

    public var isEmpty: Bool { facts.isEmpty && routes.isEmpty && rules.isEmpty && sysctls.isEmpty && cniFiles.isEmpty && probes.isEmpty }
}

/// One iptables chain that changed: its rules (without counters), its policy, or the chain itself.
public struct ChainDiff: Sendable, Equatable {
    public enum Status: String, Sendable { case added, removed, changed }

    /// The dump it came from (`iptables-save`, `ip6tables-save`, `iptables-legacy-save`…).
    public var source: String
    public var table: String
    public var chain: String
    public var status: Status
    public var policy: ValueChange?
    public var rules: LineChanges
}

/// A CNI config file added, removed or changed (its lines).
public struct FileDiff: Sendable, Equatable {
    public enum Status: String, Sendable { case added, removed, changed }

    public var path: String
    public var status: Status
    public var lines: LineChanges
}
