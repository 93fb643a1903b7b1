import KubeClient
import KubeModel

/// Errors of helper sessions, worded for the user: what failed, why, and what works instead.
public enum SessionError: Error, CustomStringConvertible, Sendable {
    case kube(KubeError)
    /// RBAC refused a verb: the server's message plus what the command needs.
    case rbac(KubeError, need: String)
    case podSecurity(namespace: String, level: String, what: String, fix: String)
    case helperFailed(pod: String, container: String, reason: String, message: String, events: [String])
    case interrupted(Int32)
    case other(String)

    public var description: String {
        switch self {
        case .kube(let error):
            return error.description
        case .rbac(let error, let need):
            return "\(error.description)\n  (RBAC: this needs permission to \(need); ask for a role that grants it)"
        case .podSecurity(let namespace, let level, let what, let fix):
            return "namespace \(namespace) enforces PodSecurity \"\(level)\" (label \(HelperLabels.podSecurityEnforce)=\(level)), "
                + "which refuses \(what); \(fix)"
        case .helperFailed(let pod, let container, let reason, let message, let events):
            var text = "helper \(pod) (container \(container)) did not start: \(reason): \(message)"
            let shown = events.suffix(4)
            if !shown.isEmpty { text += "\n  events:\n" + shown.map { "    " + $0 }.joined(separator: "\n") }
            if reason.contains("Image") { text += "\n  (use --image with an image the nodes can pull, and image pull secrets if it is private)" }
            return text
        case .interrupted(let signal):
            return "interrupted by \(StopSignal.name(signal))"
        case .other(let message):
            return message
        }
    }

    /// A 403 from PodSecurity admission (its message names the violated level), else nil.
    static func fromPodSecurity(_ error: KubeError, namespace: String) -> SessionError? {
        let message = error.status?.message ?? error.message
        let marker = "violates PodSecurity \""
        guard let start = message.indexAfter(marker) else { return nil }
        let level = message[start...].prefix { $0 != ":" && $0 != "\"" }
        return .podSecurity(namespace: namespace, level: String(level), what: "this helper (\(message))",
                            fix: level == "restricted" ? "use --mode node (the helper then runs in \(HelperLabels.namespace))"
                                : "use a namespace labelled \(HelperLabels.podSecurityEnforce)=privileged")
    }
}

extension String {
    /// The index just after the first occurrence of `needle` (no Foundation).
    func indexAfter(_ needle: String) -> String.Index? {
        guard !needle.isEmpty else { return startIndex }
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix(needle) { return self.index(index, offsetBy: needle.count) }
            index = self.index(after: index)
        }
        return nil
    }
}
