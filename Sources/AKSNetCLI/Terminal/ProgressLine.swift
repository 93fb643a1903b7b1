import AKSNet
import KubeModel
import Synchronization

/// The progress line on stderr: rewritten in place on a terminal, one plain line per change
/// otherwise (logs, CI).
/// Workers report from their own threads: one write at a time, and never a step back.
final class ProgressLine: Sendable {
    let enabled: Bool
    let terminal: Bool
    private let shown = Mutex(-1)

    init(enabled: Bool) {
        self.enabled = enabled
        terminal = StandardStreams.isTerminal(2)
    }

    func show(_ progress: CollectProgress) {
        guard enabled else { return }
        shown.withLock { last in
            guard progress.done > last else { return }
            last = progress.done
            StandardStreams.writeError(terminal ? "\r\u{1B}[K" + progress.line : progress.line + "\n")
        }
    }

    func finish() {
        if enabled && terminal { StandardStreams.writeError("\n") }
    }
}
