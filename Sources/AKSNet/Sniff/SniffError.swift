/// Sniff's own errors (resolution, mode, output); helper errors come as `SessionError`.
public enum SniffError: Error, CustomStringConvertible, Sendable {
    case usage(String)
    case notFound(String)
    case notRunning(pod: String, phase: String, detail: String)
    case windowsNode(node: String, target: String)
    case noTargets(String)
    case mode(String)
    case output(String)
    case capture(String)
    case session(SessionError)

    public var description: String {
        switch self {
        case .usage(let message), .mode(let message), .output(let message), .capture(let message), .noTargets(let message):
            return message
        case .notFound(let message):
            return message
        case .notRunning(let pod, let phase, let detail):
            return "pod \(pod) is not Running (phase \(phase)\(detail.isEmpty ? "" : ": " + detail)); a capture needs a running pod"
        case .windowsNode(let node, let target):
            let subject = target == "node/\(node)" ? "node \(node) is a Windows node" : "\(target) runs on node \(node), a Windows node"
            return "\(subject): sniff runs tcpdump in Linux helpers and never schedules them "
                + "onto Windows. On Windows capture with pktmon from a HostProcess container (e.g. `pktmon start --capture` then "
                + "`pktmon etl2pcap`), or sniff the Linux peer of the flow instead"
        case .session(let error):
            return error.description
        }
    }

    /// 1 for failures, 2 for usage errors (kubectl's convention).
    public var exitCode: Int32 {
        if case .usage = self { return 2 }
        return 1
    }
}
