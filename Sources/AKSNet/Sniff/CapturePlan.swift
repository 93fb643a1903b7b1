/// `--mode auto|ephemeral|node`: how one target is captured, and why (printed in auto mode).
public enum CaptureMode: String, Sendable, CaseIterable {
    case auto, ephemeral, node
}

public struct CapturePlan: Equatable, Sendable {
    public enum How: String, Equatable, Sendable { case ephemeral, node }
    public var target: ResolvedTarget
    public var how: How
    public var reason: String

    /// Picks the mode for a target. `podSecurityLevel` is the target namespace's enforce label
    /// (nil when unknown or unset). Pure, so it is tested as a table.
    public static func choose(_ requested: CaptureMode, for target: ResolvedTarget,
                              podSecurityLevel: String?) throws(SniffError) -> CapturePlan {
        guard let namespace = target.namespace else {
            if requested == .ephemeral {
                throw SniffError.mode("\(target.interfaceName) is a node: --mode ephemeral captures inside a pod; use --mode node (or auto)")
            }
            return CapturePlan(target: target, how: .node, reason: "a node is captured from a hostNetwork helper pod on it")
        }
        let restricted = podSecurityLevel == "restricted"
        switch requested {
        case .node:
            return CapturePlan(target: target, how: .node,
                               reason: "--mode node: the pod's traffic as the node sees it (its veth or bridge, filtered to the pod IP)")
        case .ephemeral:
            if restricted { throw SniffError.session(restrictedError(namespace)) }
            return CapturePlan(target: target, how: .ephemeral, reason: "--mode ephemeral")
        case .auto:
            if restricted {
                return CapturePlan(target: target, how: .node,
                                   reason: "namespace \(namespace) enforces PodSecurity restricted, where an ephemeral container cannot capture; "
                                       + "using a node helper in \(HelperLabels.namespace) instead")
            }
            return CapturePlan(target: target, how: .ephemeral,
                               reason: "an ephemeral container in the pod's network namespace (no image change, no added capability)")
        }
    }

    static func restrictedError(_ namespace: String) -> SessionError {
        .podSecurity(namespace: namespace, level: "restricted",
                     what: "an ephemeral capture container (it must run as root with NET_RAW, which restricted drops)",
                     fix: "use --mode node (a hostNetwork helper in \(HelperLabels.namespace) captures the pod's traffic on its node), or --mode auto")
    }
}
