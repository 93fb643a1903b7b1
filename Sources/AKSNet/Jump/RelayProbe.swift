import KubeClient
#if canImport(Glibc)
import Glibc
#endif

/// Before ssh: is socat in the relay listening yet (a fresh pod runs before its socat binds),
/// and does the node's port answer? One port-forward that sends nothing: SSH speaks first, so
/// the node's banner proves the path, and the stream, banner kept, then carries the first
/// connection (no second stream, no second sshd on the node). A stream that closes with no byte
/// means the relay reached the node and was refused (socat's child closed it). A target that
/// stays silent (not SSH) counts as reachable after `silentAfter` seconds.
public enum RelayProbe {
    public enum Outcome: Sendable, Equatable {
        case answered
        case refused
        case silent
        case failed(String)
    }

    /// Tries until socat listens (or `timeout`); the stream comes back when the port answered
    /// or stayed silent, ready for `pump`.
    public static func open(client: KubeClient, namespace: String, pod: String, timeout: Double = 10,
                            silentAfter: Double = 5) -> (Outcome, PortForwardStream?) {
        let deadline = Monotonic.now + timeout
        var last = "no answer"
        while Monotonic.now < deadline {
            switch once(client: client, namespace: namespace, pod: pod, silentAfter: silentAfter) {
            case .done(let outcome, let stream): return (outcome, stream)
            case .notListening(let reason):
                last = reason
                usleep(100_000)
            case .error(let reason): return (.failed(reason), nil)
            }
        }
        return (.failed(last), nil)
    }

    /// One try for a relay that may still be starting (its status not Running yet): the outcome,
    /// or nil while the pod, its container or socat is not there yet (the usual probe says why
    /// once the pod runs).
    public static func early(client: KubeClient, namespace: String, pod: String, silentAfter: Double) -> (Outcome, PortForwardStream?)? {
        switch once(client: client, namespace: namespace, pod: pod, silentAfter: silentAfter) {
        case .done(let outcome, let stream): return (outcome, stream)
        case .notListening, .error: return nil
        }
    }

    enum Try {
        case done(Outcome, PortForwardStream?)
        case notListening(String)
        case error(String)
    }

    static func once(client: KubeClient, namespace: String, pod: String, silentAfter: Double) -> Try {
        do throws(KubeError) {
            let stream = try client.portForward(namespace: namespace, pod: pod, port: JumpPods.relayListenPort)
            let answer: PortForwardStream.FirstAnswer
            do { answer = try stream.awaitFirstData(timeoutMs: Int32(max(0.1, silentAfter) * 1000)) } catch {
                stream.close()
                throw error
            }
            switch answer {
            case .data: return .done(.answered, stream)
            case .silent: return .done(.silent, stream)
            case .closed:
                stream.close()
                return .done(.refused, nil)
            }
        } catch where isNotListening(error.message) {
            return .notListening(error.message)
        } catch {
            return .error(error.message)
        }
    }

    static func isNotListening(_ reason: String) -> Bool {
        reason.contains("connection refused") || reason.contains("closed before it was ready")
    }
}
