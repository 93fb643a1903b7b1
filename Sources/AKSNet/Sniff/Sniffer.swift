import Dispatch
import KubeClient
import KubeModel
#if canImport(Glibc)
import Glibc
#endif

/// `kubectl aksnet sniff`: resolve targets → pick a mode per target (and say why) → open the
/// output → start helpers → run one tcpdump per target → stop on a limit, a signal or a closed
/// reader → write the last whole packets → delete the helpers, on every path.
public final class Sniffer {
    let client: any KubeAPI
    let options: SniffOptions
    let session: HelperSession
    /// Per node: the flows that carry a capture there (learned once a run).
    var ownStreams: [String: OwnStream] = [:]
    var loopGuards: [Int: LoopGuard] = [:]

    public init(client: any KubeAPI, options: SniffOptions) {
        self.client = client
        self.options = options
        let helper = HelperPodOptions(image: options.image, imagePullSecrets: options.imagePullSecrets,
                                      deadlineSeconds: Self.deadline(for: options), session: HelperLabels.newSessionID(),
                                      command: Self.command, commandLine: options.commandLine, createdBy: options.createdBy)
        self.session = HelperSession(client: client, options: helper, keep: options.keep)
    }

    /// The `aksnet.io/command` label and name part of sniff's helpers.
    static let command = "sniff"

    /// 1 h, or the capture's own duration plus a margin when that is longer.
    static func deadline(for options: SniffOptions) -> Int {
        max(3600, Durations.wholeSeconds(options.duration ?? 0) + 600)
    }

    func log(_ text: String) {
        if !options.quiet { StandardStreams.writeError(text + "\n") }
    }

    /// Runs the whole capture; helpers are gone when it returns or throws.
    public func run() throws(SniffError) {
        StopSignal.install()
        let resolver = TargetResolver(client: client, namespace: options.namespace, allNamespaces: options.allNamespaces,
                                      container: options.container)
        let targets = try resolver.resolve(options.targets)
        guard !targets.isEmpty else { throw SniffError.noTargets("nothing to capture") }
        var levels: [String: String?] = [:]
        var plans: [CapturePlan] = []
        for target in targets {
            var level: String?
            if let namespace = target.namespace {
                if let known = levels[namespace] { level = known } else {
                    level = resolver.podSecurityLevel(of: namespace)
                    levels[namespace] = level
                }
            }
            plans.append(try CapturePlan.choose(options.mode, for: target, podSecurityLevel: level))
        }
        // The output exists (0600) before any helper does: an unwritable path costs nothing.
        let output = try CaptureOutput.open(options.output)
        defer { output.close() }
        for plan in plans { log("sniff: \(plan.target.interfaceName): \(plan.how.rawValue) mode (\(plan.reason))") }

        let sink = PcapngSink(output: output, names: plans.map(\.target.interfaceName), maxBytes: options.maxSize,
                              maxPackets: options.count)
        sink.start()
        var workers: [CaptureWorker] = []
        do {
            workers = try prepare(plans)
        } catch {
            finishSession(kept: false)
            throw error
        }
        for worker in workers { sink.setFilter(worker.invocation.filter, for: worker.index) }
        for (index, loopGuard) in loopGuards { sink.setLoopGuard(loopGuard, for: index) }
        let outcome = capture(workers, into: sink)
        sink.close()
        output.close()
        finishSession(kept: options.keep)
        try report(workers, sink: sink, outcome: outcome)
    }

    // MARK: helpers

    /// Creates (or reuses, after `--keep`) the helpers and builds one worker per target.
    func prepare(_ plans: [CapturePlan]) throws(SniffError) -> [CaptureWorker] {
        var guards: [Int: LoopGuard] = [:]
        defer { loopGuards = guards }
        var nodeHelpers: [String: ExecTarget] = [:]
        var workers: [CaptureWorker] = []
        for (index, plan) in plans.enumerated() {
            if StopSignal.isSet { throw SniffError.session(.interrupted(StopSignal.received)) }
            switch plan.how {
            case .ephemeral:
                guard case .pod(let namespace, let name, let container, _, _) = plan.target.kind else { continue }
                let containerName = HelperNames.ephemeralContainer(command: Self.command, session: session.options.session)
                let spec = DebugPods.ephemeralCapture(name: containerName, targetContainer: container, options: session.options)
                do {
                    try session.addEphemeralContainer(namespace: namespace, pod: name, spec)
                    log("sniff: \(plan.target.interfaceName): waiting for ephemeral container \(containerName)")
                    try session.waitServing(namespace: namespace, pod: name, container: containerName, ephemeral: true,
                                            timeout: options.startTimeout)
                    session.holdEphemeral(namespace: namespace, pod: name, container: containerName)
                } catch { throw SniffError.session(error) }
                var invocation = TcpdumpInvocation(interface: options.interface ?? "eth0", snaplen: options.snaplen,
                                                   filter: options.filterWords, count: perTargetCount(plans), nonPromiscuous: true)
                // A hostNetwork pod's namespace is the node's: the capture's own stream crosses it.
                if case .pod(_, _, _, _, true) = plan.target.kind { invocation.filter = ownStream(for: plan.target, &guards, index: index, filter: invocation.filter) }
                workers.append(CaptureWorker(index: index, plan: plan,
                                             execTarget: ExecTarget(namespace: namespace, pod: name, container: containerName),
                                             invocation: invocation, transport: options.transport, client: client))
            case .node:
                let node = plan.target.nodeName
                let helper: ExecTarget
                if let known = nodeHelpers[node] {
                    helper = known
                } else {
                    do {
                        helper = try session.acquireNodeHelper(on: node, timeout: options.startTimeout, log: log)
                    } catch { throw SniffError.session(error) }
                    nodeHelpers[node] = helper
                }
                var invocation = try nodeInvocation(for: plan.target, helper: helper)
                invocation.count = perTargetCount(plans)
                if Self.seesNodeNetwork(plan.target, interface: invocation.interface) {
                    invocation.filter = ownStream(for: plan.target, &guards, index: index, filter: invocation.filter)
                }
                workers.append(CaptureWorker(index: index, plan: plan, execTarget: helper, invocation: invocation,
                                             transport: options.transport, client: client))
            }
        }
        return workers
    }

    /// Whether a node-side capture runs where the node's own traffic passes: a node, or a pod
    /// on `any` or a host interface (a pod's own veth or bridge only carries pod traffic).
    static func seesNodeNetwork(_ target: ResolvedTarget, interface: String) -> Bool {
        switch target.kind {
        case .node: return true
        case .pod(_, _, _, _, let hostNetwork): return hostNetwork || interface == "any"
        }
    }

    /// Leaves the flows that carry the capture out of its filter (unless --capture-own-stream),
    /// says so once per node, and arms the loop guard either way.
    func ownStream(for target: ResolvedTarget, _ guards: inout [Int: LoopGuard], index: Int, filter: [String]) -> [String] {
        let own = ownStreams[target.nodeName] ?? OwnStream.learn(client: client, node: target.nodeName)
        let first = ownStreams[target.nodeName] == nil
        ownStreams[target.nodeName] = own
        guards[index] = LoopGuard(own: own)
        if options.captureOwnStream {
            if first {
                StandardStreams.writeError("warning: \(target.interfaceName): --capture-own-stream: the capture includes the traffic "
                    + "that carries it (\(own.summary.isEmpty ? "unknown flows" : own.summary)); every captured packet makes more\n")
            }
            return filter
        }
        if first, !own.summary.isEmpty {
            log("sniff: node/\(target.nodeName): leaving out the traffic that carries the capture: \(own.summary); "
                + "--capture-own-stream keeps it")
        }
        return own.excluded(from: filter)
    }

    /// With one target tcpdump stops itself at --count; with several the merged total counts.
    func perTargetCount(_ plans: [CapturePlan]) -> Int? { plans.count == 1 ? options.count : nil }

    /// tcpdump on the node: `-i any` for a node; for a pod, the device its IP routes through
    /// (its veth, or the bridge) filtered to the pod's IP.
    func nodeInvocation(for target: ResolvedTarget, helper: ExecTarget) throws(SniffError) -> TcpdumpInvocation {
        var interface = options.interface ?? "any"
        var filter = options.filterWords
        if case .pod(_, _, _, let podIP, let hostNetwork) = target.kind, !hostNetwork, !podIP.isEmpty {
            if options.interface == nil, let device = routeDevice(to: podIP, helper: helper) { interface = device }
            filter = NodeFilter.forPod(ip: podIP, user: filter)
        }
        return TcpdumpInvocation(interface: interface, snaplen: options.snaplen, filter: filter, count: options.count,
                                 nonPromiscuous: false)
    }

    func routeDevice(to ip: String, helper: ExecTarget) -> String? {
        guard let result = client.quickExec(namespace: helper.namespace, pod: helper.pod, container: helper.container,
                                            ["ip", "-o", "route", "get", ip]), result.code == 0 else { return nil }
        return NodeFilter.device(fromRoute: result.stdout)
    }

    func finishSession(kept: Bool) {
        let leftovers = session.cleanup()
        for failure in leftovers { StandardStreams.writeError("warning: could not delete \(failure); run kubectl aksnet cleanup\n") }
        if kept {
            for pod in session.createdPods { log("sniff: kept helper \(pod.namespace)/\(pod.name) (--keep); kubectl aksnet cleanup removes it") }
        }
    }

    // MARK: capture

    enum Outcome { case finished, limit(String), signal(Int32), readerClosed, badStream(String), notStarted(String) }

    func capture(_ workers: [CaptureWorker], into sink: any CaptureSink) -> Outcome {
        let group = DispatchGroup()
        for worker in workers {
            BackgroundThread.start(group: group) { worker.run(into: sink) }
        }
        let started = Monotonic.now
        var status = StatusLine(isTerminal: StandardStreams.isTerminal(2))
        let names = workers.map(\.plan.target.interfaceName)
        var outcome = Outcome.finished
        // --duration is capture time: it runs from when every target captures, not from when the
        // streams were asked for (a throttled API can hold an upgrade for seconds of Retry-After).
        var capturingSince: Double?
        while group.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
            let now = Monotonic.now
            if capturingSince == nil, workers.allSatisfy(\.isListening) {
                capturingSince = now
                let transports = Set(workers.compactMap(\.usedTransport?.rawValue)).sorted().joined(separator: ", ")
                log("sniff: capturing \(names.joined(separator: ", ")) over \(transports) (Ctrl-C to stop)")
            }
            sink.tick()
            if StopSignal.isSet { outcome = .signal(StopSignal.received); break }
            // One target failing (tcpdump refused to start, a stream cut) ends the whole capture.
            if workers.contains(where: { $0.failure != nil }) { break }
            if let stop = sink.stopReason { outcome = Self.outcome(stop, workers); break }
            if let duration = options.duration, let since = capturingSince, now - since >= duration {
                outcome = .limit("--duration \(Durations.shortAge(duration))")
                break
            }
            // Backstop for a target that neither captures nor fails: stopping it is no success.
            if capturingSince == nil, now - started >= options.startTimeout {
                let waiting = workers.filter { !$0.isListening }.map(\.plan.target.interfaceName).joined(separator: ", ")
                outcome = .notStarted("\(waiting): tcpdump did not start capturing within \(Durations.shortAge(options.startTimeout))")
                break
            }
            if !options.quiet { status.update(StatusLine.render(names: names, counters: sink.counters, elapsed: now - started), now: now) }
        }
        status.end()
        if case .finished = outcome, let stop = sink.stopReason { outcome = Self.outcome(stop, workers) }
        for worker in workers where !worker.isFinished {
            BackgroundThread.start { worker.requestStop() }
        }
        // Each worker ends within its stop grace; this bound is only a backstop.
        _ = group.wait(timeout: .now() + .seconds(Int(CaptureWorker.stopGrace) + 5))
        return outcome
    }

    static func outcome(_ stop: SinkStop, _ workers: [CaptureWorker]) -> Outcome {
        switch stop {
        case .count(let count): return .limit("--count \(count)")
        case .maxSize(let bytes): return .limit("--max-size \(bytes)")
        case .readerClosed: return .readerClosed
        case .badStream(let index, let message):
            let name = index < workers.count ? workers[index].plan.target.interfaceName : "target \(index)"
            return .badStream("\(name): tcpdump's output is not a pcap stream (\(message))")
        case .ownStream(let index, let message):
            let name = index < workers.count ? workers[index].plan.target.interfaceName : "target \(index)"
            return .badStream("\(name): \(message)")
        }
    }

    /// The summary (tcpdump's own counts per target) and the error, if a capture failed.
    func report(_ workers: [CaptureWorker], sink: any CaptureSink, outcome: Outcome) throws(SniffError) {
        switch outcome {
        case .finished: break
        case .limit(let what): log("sniff: stopped: \(what) reached")
        case .signal(let number): log("sniff: stopped by \(StopSignal.name(number))")
        case .readerClosed: log("sniff: stopped: the output was closed by its reader")
        case .badStream(let message), .notStarted(let message): throw SniffError.capture(message)
        }
        var failures: [String] = []
        for worker in workers {
            let report = worker.report
            let name = worker.plan.target.interfaceName
            if let received = report.received ?? report.captured {
                log("sniff: \(name): \(report.captured ?? 0) packets captured, \(received) received by filter, \(report.dropped ?? 0) dropped by kernel")
            }
            if let failure = worker.failure { failures.append("\(name): \(failure)") }
        }
        if !failures.isEmpty { throw SniffError.capture(failures.joined(separator: "\n")) }
    }

}
