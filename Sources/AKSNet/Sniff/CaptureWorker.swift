import KubeClient
import KubeModel
import Synchronization

/// One target's capture: tcpdump in the helper, its pcap into the sink (over a port-forward to
/// socat, or over the exec stream's stdout), stopped with SIGINT through a second exec so its
/// last packets and its counts arrive before the stream ends.
public final class CaptureWorker: @unchecked Sendable {
    public let index: Int
    public let plan: CapturePlan
    public let execTarget: ExecTarget
    public let invocation: TcpdumpInvocation
    public let transport: CaptureTransport
    let client: any KubeAPI

    struct State {
        var report = TcpdumpReport()
        var finished = false
        var exitCode: Int32?
        var error: CaptureFailure?
        var sinkStopped = false
        var stopRequestedAt: Double?
        var stopSent = false
        var usedTransport: CaptureTransport?
        /// It ended because we asked it to (a stop, a limit, a reader gone), not on its own.
        var endedByUs = false
    }
    let state = Mutex(State())

    /// After a stop request, how long tcpdump gets to flush and exit before the stream is cut.
    static let stopGrace = 5.0

    public init(index: Int, plan: CapturePlan, execTarget: ExecTarget, invocation: TcpdumpInvocation,
                transport: CaptureTransport = .auto, client: any KubeAPI) {
        self.index = index
        self.plan = plan
        self.execTarget = execTarget
        self.invocation = invocation
        self.transport = transport
        self.client = client
    }

    public var report: TcpdumpReport { state.withLock { $0.report } }
    public var isFinished: Bool { state.withLock { $0.finished } }
    public var exitCode: Int32? { state.withLock { $0.exitCode } }
    public var error: CaptureFailure? { state.withLock { $0.error } }
    public var isListening: Bool { state.withLock { $0.report.listening } }
    public var endedByUs: Bool { state.withLock { $0.endedByUs } }

    /// Why this target's capture failed, once it ended; nil while it runs or when it did its job.
    /// A tcpdump that never started (no "listening on", ended on its own or by an error) is a
    /// failure too: an empty capture must not pass as success.
    public var failure: String? {
        state.withLock { s in
            guard s.finished else { return nil }
            let said = s.report.messages.isEmpty ? "" : ": " + s.report.messages.joined(separator: "; ")
            if let error = s.error { return error.description + said }
            if let code = s.exitCode, code != 0, code != 130, !s.endedByUs { return "tcpdump failed (exit code \(code))" + said }
            if !s.report.listening, !s.endedByUs { return "tcpdump never started capturing" + (said.isEmpty ? "" : said) }
            return nil
        }
    }
    /// The transport that carried the capture (port-forward, or exec after a fallback).
    public var usedTransport: CaptureTransport? { state.withLock { $0.usedTransport } }

    /// Blocks until tcpdump ends, the sink refuses bytes, or a stop's grace runs out.
    public func run(into sink: any CaptureSink) {
        if transport != .exec {
            if runOverPortForward(into: sink) { return }
            if transport == .portForward {
                finishRun(code: nil, failure: .noPortForwardListener, sink: sink)
                return
            }
        }
        runOverExec(into: sink)
    }

    func runOverExec(into sink: any CaptureSink) {
        state.withLock { $0.usedTransport = .exec }
        let request = ExecRequest(namespace: execTarget.namespace, pod: execTarget.pod, container: execTarget.container,
                                  command: invocation.argv)
        var io = ExecIO()
        let index = self.index
        io.stdoutSink = { [self] bytes in
            if sink.deliver(bytes, from: index) { return true }
            markSinkStopped()
            return false
        }
        io.stderrSink = { [self] bytes in
            noteStderr(bytes)
            return true
        }
        io.isCancelled = { [self] in stopGraceExpired }
        var code: Int32?
        var failure: CaptureFailure?
        do { code = try client.exec(request, io: io) } catch { failure = .stream(error) }
        finishRun(code: code, failure: failure, sink: sink)
    }

    // MARK: shared by both transports

    func noteStderr(_ bytes: [UInt8]) { state.withLock { $0.report.feed(bytes) } }
    func markSinkStopped() { state.withLock { $0.sinkStopped = true } }

    var stopGraceExpired: Bool {
        state.withLock { s in s.stopRequestedAt.map { Monotonic.now - $0 > Self.stopGrace } ?? false }
    }

    /// Ends the control exec of a port-forward attempt at once (nothing was captured yet).
    func requestStopForFallback() {
        state.withLock { $0.stopRequestedAt = Monotonic.now - Self.stopGrace - 1 }
    }

    func resetForFallback() {
        state.withLock { $0 = State() }
    }

    func finishRun(code: Int32?, failure: CaptureFailure?, sink: any CaptureSink) {
        state.withLock {
            $0.report.finish()
            // Behind socat the control exec's status is socat's; the wrapper reports tcpdump's own.
            $0.exitCode = $0.report.exitStatus ?? code
            $0.endedByUs = $0.sinkStopped || $0.stopRequestedAt != nil
            // A cut after we asked to stop (or after the reader left) is the expected end, not an error.
            let stopping = $0.sinkStopped || $0.stopRequestedAt != nil
            let expected = stopping && (failure?.isCut ?? false)
            $0.error = expected ? nil : failure
            $0.finished = true
        }
        sink.finish(index, report: report)
        // The stream is gone but tcpdump may not be (a cut stream, a closed reader): stop it there.
        if failure != nil { sendStop() }
    }

    /// Asks tcpdump to stop (SIGINT through a second exec); the stream then ends by itself.
    public func requestStop() {
        let first = state.withLock { s -> Bool in
            if s.stopRequestedAt != nil { return false }
            s.stopRequestedAt = Monotonic.now
            return true
        }
        if first { sendStop() }
    }

    func sendStop() {
        let pid = state.withLock { s -> Int? in
            guard !s.stopSent, let pid = s.report.pid else { return nil }
            s.stopSent = true
            return pid
        }
        guard let pid else { return }
        _ = client.forCleanup.quickExec(namespace: execTarget.namespace, pod: execTarget.pod, container: execTarget.container,
                             TcpdumpInvocation.stopCommand(pid: pid))
    }
}
