import KubeClient
import KubeModel
import Synchronization

/// One node's collection: a privileged hostNetwork helper on it (`acquireNodeHelper`), one exec
/// of the collector script, its framed stdout parsed into runs, the helper deleted. Whatever goes
/// wrong becomes the node's `reason` (collected: false), never an error of the whole run.
public struct NodeCollector: Sendable {
    public let client: any KubeAPI
    public let options: InspectOptions

    public init(client: any KubeAPI, options: InspectOptions) {
        self.client = client
        self.options = options
    }

    /// What happened on one node, and whether it showed a permission the user lacks.
    public struct Outcome: Sendable {
        public var evidence: NodeEvidence
        public var missingPermission: String?
    }

    /// Collects `node` with a session of its own (deleted before returning; `sessions` holds it
    /// meanwhile so a signal handler's cleanup finds it).
    public func collect(node: String, peers: [ProbePeer], sessions: SessionRegistry) -> Outcome {
        let session = HelperSession(client: client, options: options.helperOptions)
        sessions.add(session)
        defer {
            session.cleanup()
            sessions.remove(session)
        }
        let target: ExecTarget
        do {
            target = try session.acquireNodeHelper(on: node, command: InspectOptions.command, timeout: options.startTimeout)
        } catch {
            return Self.failed(node, error)
        }
        return run(on: target, node: node, peers: peers)
    }

    /// The exec of the script in a running helper (also the DaemonSet path's).
    public func run(on target: ExecTarget, node: String, peers: [ProbePeer]) -> Outcome {
        if StopSignal.isSet { return Outcome(evidence: NodeEvidence(node: node, collected: false, reason: "interrupted")) }
        let nonce = HelperLabels.newSessionID() + HelperLabels.newSessionID()
        let request = ExecRequest(namespace: target.namespace, pod: target.pod, container: target.container,
                                  command: CollectorScript.argv(nonce: nonce, commandLimit: options.commandLimit, peers: peers))
        let limit = options.nodeLimit
        let stdout = Mutex<(bytes: [UInt8], cut: Bool)>(([], false))
        let stderr = Mutex<[UInt8]>([])
        var io = ExecIO()
        io.stdoutSink = { chunk in
            stdout.withLock { state in
                let room = max(0, limit - state.bytes.count)
                state.bytes += chunk.prefix(room)
                if chunk.count > room { state.cut = true }
                return !state.cut
            }
        }
        io.stderrSink = { chunk in
            stderr.withLock { $0 += chunk.prefix(max(0, 65536 - $0.count)) }
            return true
        }
        let deadline = Monotonic.now + options.execTimeout
        io.isCancelled = { StopSignal.isSet || Monotonic.now > deadline }
        var code: Int32?
        var failure: KubeError?
        do { code = try client.exec(request, io: io) } catch { failure = error }
        let (bytes, cut) = stdout.withLock { ($0.bytes, $0.cut) }
        let runs = CollectorStream.parse(bytes, nonce: nonce)
        let scriptErrors = String(decoding: stderr.withLock { $0 }, as: UTF8.self)
        if StopSignal.isSet { return Outcome(evidence: NodeEvidence(node: node, collected: false, reason: "interrupted", runs: runs)) }
        if let failure, failure.kind == .forbidden {
            return Outcome(evidence: NodeEvidence(node: node, collected: false, reason: "exec refused: " + Self.oneLine(failure.description)),
                           missingPermission: failure.description.contains("cannot get resource") ? "get pods/exec" : "create pods/exec")
        }
        if runs.isEmpty {
            let why = failure.map { "exec failed: " + Self.oneLine($0.description) }
                ?? "the collector printed nothing (exit \(code.map(String.init) ?? "?"))" + (scriptErrors.isEmpty ? "" : ": " + Self.oneLine(scriptErrors))
            return Outcome(evidence: NodeEvidence(node: node, collected: false, reason: why))
        }
        var reason: String?
        if cut {
            reason = "output passed the node limit of \(limit) bytes: cut there, later commands not run"
        } else if Monotonic.now > deadline {
            reason = "collection stopped at its time limit of \(Int(options.execTimeout))s; later commands not run"
        } else if let failure {
            reason = "the exec stream ended early: " + Self.oneLine(failure.description)
        } else if let code, code != 0 {
            reason = "the collector exited \(code)" + (scriptErrors.isEmpty ? "" : ": " + Self.oneLine(scriptErrors))
        }
        return Outcome(evidence: NodeEvidence(node: node, collected: true, reason: reason, runs: runs))
    }

    /// A node whose helper did not come up: the reason as the session words it, and a missing
    /// permission when RBAC said no.
    static func failed(_ node: String, _ error: SessionError) -> Outcome {
        var missing: String?
        var reason = error.description
        switch error {
        case .rbac(let kube, let need):
            if need.hasPrefix("create pods") { missing = "create pods" }
            reason = "no permission to \(need): " + (kube.status?.message ?? kube.message)
        case .podSecurity:
            reason = "helper refused by PodSecurity: " + error.description
        case .interrupted:
            reason = "interrupted"
        default:
            break
        }
        return Outcome(evidence: NodeEvidence(node: node, collected: false, reason: oneLine(reason)), missingPermission: missing)
    }

    static func oneLine(_ text: String) -> String {
        text.split(separator: "\n").map { $0.trimmingSpaces }.filter { !$0.isEmpty }.joined(separator: "; ")
    }
}

extension Substring {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

/// The sessions alive right now, so the run's cleanup (error, signal) deletes every helper.
public final class SessionRegistry: Sendable {
    private let sessions = Mutex<[ObjectIdentifier: HelperSession]>([:])

    public init() {}

    public func add(_ session: HelperSession) { sessions.withLock { $0[ObjectIdentifier(session)] = session } }
    public func remove(_ session: HelperSession) { sessions.withLock { $0[ObjectIdentifier(session)] = nil } }

    /// Deletes what every live session made; returns what could not be deleted.
    @discardableResult
    public func cleanupAll() -> [String] {
        let live = sessions.withLock { list -> [HelperSession] in
            defer { list.removeAll() }
            return Array(list.values)
        }
        return live.flatMap { $0.cleanup() }
    }
}
