import KubeClient

/// Why one target's capture stream failed: the cluster's error, or sniff's own finding.
public enum CaptureFailure: Error, CustomStringConvertible, Sendable {
    /// The exec or port-forward stream failed (the server's words).
    case stream(KubeError)
    /// `--transport port-forward` was asked for but the helper never listened (no socat).
    case noPortForwardListener

    public var description: String {
        switch self {
        case .stream(let error): return error.description
        case .noPortForwardListener:
            return "the helper could not listen for the port-forward transport (is socat in the image?); use --transport auto or exec"
        }
    }

    /// A stream cut or cancelled: the expected end after we asked the capture to stop.
    var isCut: Bool {
        guard case .stream(let error) = self else { return false }
        return error.kind == .cancelled || error.kind == .streamClosed
    }
}
