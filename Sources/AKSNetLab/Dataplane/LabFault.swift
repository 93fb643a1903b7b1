/// A `--break` scenario that really breaks the dataplane; switchable at run time
/// with `LabNetwork.apply(_:)` / `revert(_:)`. Nodes are named by Kubernetes
/// node name or by the short `node1`, `node2`… form.
public enum LabFault: Codable, Hashable, Sendable, CustomStringConvertible {
    /// The VNet router loses the route(s) to the node's pods: its podCIDR (kubenet, overlay)
    /// or every /32 of its pods (azure). Pods elsewhere cannot reach the node's pods.
    case missingRoute(node: String)
    /// `net.ipv4.ip_forward=0` (and IPv6 forwarding off) in the node: its pods are cut off
    /// from everything but the node itself.
    case ipForwardOff(node: String)
    /// ip-masq-agent's MASQUERADE rule is gone from the node: pod egress leaves with the pod IP,
    /// and the "internet" address (203.0.113.10), which only answers node IPs, stops answering.
    case noMasquerade(node: String)
    /// The node's NIC path (eth0 and the router's end) gets `mtu` while pod veths keep the
    /// lab MTU: don't-fragment packets larger than `mtu` leaving/entering the node fail.
    case mtuMismatch(node: String, mtu: Int)
    /// Chain AKSNET-POLICY-DROP, jumped from FORWARD in the pod's node, drops traffic to the pod.
    case policyDrop(pod: String)
    /// A full conntrack table in the node: new connections through or to it are dropped,
    /// established ones go on. Emulated with an iptables rule (see `FaultInjector`) because
    /// nf_conntrack_max is read-only outside the root namespace on this kernel.
    case conntrackFull(node: String)

    public static let scenarios = ["missing-route", "ip-forward-off", "no-masquerade", "mtu-mismatch", "policy-drop", "conntrack-full"]

    public var scenario: String {
        switch self {
        case .missingRoute: return "missing-route"
        case .ipForwardOff: return "ip-forward-off"
        case .noMasquerade: return "no-masquerade"
        case .mtuMismatch: return "mtu-mismatch"
        case .policyDrop: return "policy-drop"
        case .conntrackFull: return "conntrack-full"
        }
    }

    public var description: String {
        switch self {
        case .missingRoute(let n), .ipForwardOff(let n), .noMasquerade(let n), .conntrackFull(let n):
            return "\(scenario):\(n)"
        case .mtuMismatch(let n, let mtu): return "\(scenario):\(n):\(mtu)"
        case .policyDrop(let pod): return "\(scenario):\(pod)"
        }
    }

    /// Parses `SCENARIO[:TARGET[:MTU]]` as `--break` takes it, e.g. `missing-route:node2`,
    /// `mtu-mismatch:node1:1400`, `policy-drop:web`. A missing node target is `defaultNode`;
    /// policy-drop needs its pod.
    public static func parse(_ text: String, defaultNode: String) throws -> LabFault {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let target = parts.count > 1 && !parts[1].isEmpty ? parts[1] : nil
        let node = target ?? defaultNode
        switch parts[0] {
        case "missing-route": return .missingRoute(node: node)
        case "ip-forward-off": return .ipForwardOff(node: node)
        case "no-masquerade": return .noMasquerade(node: node)
        case "conntrack-full": return .conntrackFull(node: node)
        case "mtu-mismatch":
            var mtu = 1400
            if parts.count > 2 {
                guard let value = Int(parts[2]), (576...9000).contains(value) else {
                    throw LabNetworkError.invalidFault("mtu-mismatch MTU must be a number in 576...9000: \(text)")
                }
                mtu = value
            }
            return .mtuMismatch(node: node, mtu: mtu)
        case "policy-drop":
            guard let pod = target else { throw LabNetworkError.invalidFault("policy-drop needs a pod: policy-drop:POD") }
            return .policyDrop(pod: pod)
        default:
            throw LabNetworkError.invalidFault("unknown scenario \"\(parts[0])\" (one of \(scenarios.joined(separator: ", ")))")
        }
    }
}
