import Dispatch
import KubeClient
import KubeModel
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An ephemeral container cannot be deleted, only ended, and ending it must not depend on
/// reading a PID back from its log (a kubelet rewrites `$$` in a container's command). So our
/// ephemeral containers run `timeout DEADLINE cat` with `stdin` and `stdinOnce`: their process
/// lives exactly as long as its stdin is open. A session holds that stdin through an attach
/// for as long as it captures; closing it (v5 close of stdin, or the attach connection going
/// away, even when the plugin is SIGKILLed: the runtime closes a stdinOnce container's stdin
/// when the first attach ends) ends the container. Nobody attached at all: `timeout` ends it.
public final class EphemeralHold: Sendable {
    public let namespace: String
    public let pod: String
    public let container: String
    private let client: any KubeAPI
    private let writeEnd: Mutex<Int32>
    private let readEnd: Int32
    private let done = DispatchGroup()
    private let outcome = Mutex<Result<Int32, KubeError>?>(nil)
    private let releasedAt = Mutex<Double?>(nil)

    /// How long a released hold waits for the container's process to end before the attach is dropped.
    static let releaseGrace = 5.0

    init?(client: any KubeAPI, namespace: String, pod: String, container: String) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        readEnd = fds[0]
        writeEnd = Mutex(fds[1])
        self.client = client
        self.namespace = namespace
        self.pod = pod
        self.container = container
    }

    /// Attaches to the container's stdin on a thread of its own; the attach lasts until `release`.
    static func start(client: any KubeAPI, namespace: String, pod: String, container: String) -> EphemeralHold? {
        guard let hold = EphemeralHold(client: client, namespace: namespace, pod: pod, container: container) else { return nil }
        BackgroundThread.start(group: hold.done) { hold.attach() }
        return hold
    }

    /// Attaches, closes stdin at once and waits for the container to end (cleanup of a container
    /// a killed command left running). Returns nil when it ended, else why not.
    static func end(client: any KubeAPI, namespace: String, pod: String, container: String) -> SessionError? {
        guard let hold = start(client: client, namespace: namespace, pod: pod, container: container) else {
            return .other("could not end container \(container) of pod \(namespace)/\(pod): no pipe for the attach (\(String(cString: strerror(errno))))")
        }
        return hold.release().map(SessionError.kube)
    }

    private func attach() {
        let request = ExecRequest(kind: .attach, namespace: namespace, pod: pod, container: container, command: [],
                                  stdin: true, stdout: false, stderr: false)
        var io = ExecIO(stdinFD: readEnd)
        io.stdoutSink = { _ in true }
        io.stderrSink = { _ in true }
        // v4 cannot close stdin on its own: then the attach connection's end closes it (stdinOnce).
        io.isCancelled = { [self] in self.releaseGraceOver }
        let result: Result<Int32, KubeError>
        do { result = .success(try client.exec(request, io: io)) } catch { result = .failure(error) }
        outcome.withLock { $0 = result }
        close(readEnd)
    }

    private var releaseGraceOver: Bool {
        releasedAt.withLock { $0.map { Monotonic.now - $0 > Self.releaseGrace } ?? false }
    }

    /// Closes the container's stdin and waits (bounded) for the attach to end. Nil: the container's
    /// process ended (or the attach was dropped after closing stdin, which ends it too).
    @discardableResult
    public func release() -> KubeError? {
        releasedAt.withLock { if $0 == nil { $0 = Monotonic.now } }
        writeEnd.withLock { fd in
            if fd >= 0 { close(fd); fd = -1 }
        }
        _ = done.wait(timeout: .now() + .seconds(Int(Self.releaseGrace) + 3))
        switch outcome.withLock({ $0 }) {
        case .success, nil: return nil
        case .failure(let error) where error.kind == .cancelled || error.kind == .streamClosed: return nil
        case .failure(let error): return error
        }
    }

    /// Whether the attach failed before it was released (RBAC, a dropped stream): then the
    /// container's stdin may still be open.
    public var failedEarly: KubeError? {
        guard releasedAt.withLock({ $0 }) == nil, case .failure(let error) = outcome.withLock({ $0 }) else { return nil }
        return error
    }
}
