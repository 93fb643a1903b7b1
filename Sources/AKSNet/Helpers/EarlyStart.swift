import KubeClient
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A helper pod used as soon as its container runs, not only once the API says so. A kubelet
/// serves exec and port-forward from its runtime's live state, but a started container shows in
/// the pod's status only after its next PLEG relist (every second with the default generic PLEG),
/// so a client that waits for Running (kubectl debug, kubectl-ssh-jump) waits up to a second more
/// per pod. The watch still runs, for every reason a pod will not start (image pull, config,
/// deadline, deletion) and for the timeout; meanwhile `attempt` is tried with a short back-off
/// and answers nil for "not yet" (an upgrade the kubelet refused: it does not run the pod or the
/// container yet). Whichever comes first wins: the attempt's value, or — when the watch says
/// Running first — nil, and the caller goes its usual way (so every error stays the one it was).
extension HelperSession {
    final class EarlyState: Sendable {
        let verdict = Mutex<Result<Void, SessionError>?>(nil)
        let stopped = Atomic<Bool>(false)
    }

    /// Pause between attempts: 25 ms for the first quarter second (a container on an idle node
    /// starts within it), then doubling to 250 ms — about 18 upgrade requests over a two-second
    /// pod start on a real cluster.
    static let earlyWindow: Double = 15

    static func earlyPause(after attempts: Int) -> Double {
        attempts <= 10 ? 0.025 : min(0.25, 0.025 * Double(1 << min(attempts - 10, 8)))
    }

    public func waitStarted<T>(namespace: String, pod: String, container: String, ephemeral: Bool = false, timeout: Double,
                               attempt: () -> T?) throws(SessionError) -> T? {
        let state = EarlyState()
        defer { state.stopped.store(true, ordering: .relaxed) }
        BackgroundThread.start { [self] in
            let result: Result<Void, SessionError>
            do throws(SessionError) {
                try self.waitRunning(namespace: namespace, pod: pod, container: container, ephemeral: ephemeral, timeout: timeout,
                                     stop: { state.stopped.load(ordering: .relaxed) })
                result = .success(())
            } catch {
                result = .failure(error)
            }
            state.verdict.withLock { $0 = result }
        }
        var attempts = 0
        // A pod still starting after this long (a slow pull) is left to the watch alone: no
        // upgrade requests every quarter second for minutes.
        let attemptsEnd = Monotonic.now + Self.earlyWindow
        while true {
            if let verdict = state.verdict.withLock({ $0 }) {
                switch verdict {
                case .success: return nil
                case .failure(let error): throw error
                }
            }
            if StopSignal.isSet { throw SessionError.interrupted(StopSignal.received) }
            if Monotonic.now < attemptsEnd, let value = attempt() { return value }
            attempts += 1
            // Sleep in short steps: the watch's verdict (a failure, Running) ends the pause.
            let until = Monotonic.now + Self.earlyPause(after: attempts)
            while Monotonic.now < until, state.verdict.withLock({ $0 }) == nil, !StopSignal.isSet { usleep(5_000) }
        }
    }

    /// Returns once `container` runs: when an exec of `true` (`probe`) in it reaches the container
    /// (its exit code does not matter), or the watch says Running, whichever is first. For
    /// helpers whose first real exec must not be repeated (a capture, a collector): this probe
    /// can be. An exec refused for another reason than "not yet" (a 403 for pods/exec, a 429)
    /// leaves it to the watch alone, so every error stays the one the caller reports.
    public func waitServing(namespace: String, pod: String, container: String, ephemeral: Bool,
                            timeout: Double, probe command: [String] = ["true"]) throws(SessionError) {
        let probe = ExecRequest(namespace: namespace, pod: pod, container: container, command: command)
        let served = try waitStarted(namespace: namespace, pod: pod, container: container, ephemeral: ephemeral,
                                     timeout: timeout) { () -> Bool? in
            var io = ExecIO()
            io.stdoutSink = { _ in true }
            io.stderrSink = { _ in true }
            do throws(KubeError) {
                _ = try client.exec(probe, io: io)
                return true
            } catch {
                return error.isUpgradeNotYet ? nil : false
            }
        }
        if served == false {
            try waitRunning(namespace: namespace, pod: pod, container: container, ephemeral: ephemeral, timeout: timeout)
        }
    }
}

extension KubeError {
    /// The kubelet refused an exec/attach/port-forward of a starting pod: the command has not
    /// run. Before the upgrade: 404 pod not there yet, 500 container not found, 400 no node yet.
    /// After it: kube-apiserver 1.30+ upgrades a v5 exec first and asks the kubelet over SPDY,
    /// then sends the kubelet's refusal as a 500 InternalError Status, "Internal error occurred:
    /// unable to upgrade connection: container not found (…)". RBAC and authentication
    /// refusals are final, and so is any other error after the upgrade.
    public var isUpgradeNotYet: Bool {
        if let code = httpStatus { return code == 400 || code == 404 || code == 500 }
        guard let refused = message.firstRange(of: "unable to upgrade connection: ") else { return false }
        let said = message[refused.upperBound...]
        return said.hasPrefix("container not found") || said.hasPrefix("pod does not exist")
    }
}
