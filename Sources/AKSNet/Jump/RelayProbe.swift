import Dispatch
import KubeClient
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Before the real stream: is socat in the relay listening yet (a fresh pod runs before its
/// socat binds), and does the node's port answer? One port-forward that sends nothing: SSH
/// speaks first, so the node's banner proves the path; a stream that closes with no byte means
/// the relay reached the node and was refused (socat's child closed it). A target that stays
/// silent (not SSH) counts as reachable after `silentAfter` seconds.
public enum RelayProbe {
    public enum Outcome: Sendable, Equatable {
        case answered
        case refused
        case silent
        case failed(String)
    }

    final class Box: Sendable {
        let value = Mutex<Outcome?>(nil)
    }

    /// Tries until socat listens (or `timeout`), then reports what the node's port did.
    public static func probe(client: KubeClient, namespace: String, pod: String, timeout: Double = 10,
                             silentAfter: Double = 5) -> Outcome {
        let deadline = Monotonic.now + timeout
        var last = "no answer"
        while Monotonic.now < deadline {
            let box = Box()
            let done = DispatchGroup()
            BackgroundThread.start(group: done) {
                box.value.withLock { $0 = once(client: client, namespace: namespace, pod: pod) }
            }
            if done.wait(timeout: .now() + silentAfter) == .timedOut { return .silent }
            switch box.value.withLock({ $0 }) ?? .failed("no answer") {
            case .failed(let reason) where isNotListening(reason):
                last = reason
                usleep(100_000)
            case let outcome:
                return outcome
            }
        }
        return .failed(last)
    }

    static func isNotListening(_ reason: String) -> Bool {
        reason.contains("connection refused") || reason.contains("closed before it was ready")
    }

    /// One attempt. The answer goes to a pipe whose read end is closed: the first byte makes the
    /// pump fail with EPIPE, which ends the stream as soon as the node has spoken.
    static func once(client: KubeClient, namespace: String, pod: String) -> Outcome {
        var silent: [Int32] = [0, 0]
        var sink: [Int32] = [0, 0]
        guard pipe(&silent) == 0 else { return .failed("pipe: \(errno)") }
        guard pipe(&sink) == 0 else {
            close(silent[0]); close(silent[1])
            return .failed("pipe: \(errno)")
        }
        close(sink[0])
        defer { close(silent[0]); close(silent[1]); close(sink[1]) }
        do {
            let stream = try client.portForward(namespace: namespace, pod: pod, port: JumpPods.relayListenPort)
            try stream.pump(readFD: silent[0], writeFD: sink[1])
            return .refused
        } catch where error.kind == .cancelled {
            return .answered
        } catch {
            return .failed(error.message)
        }
    }
}
