import Foundation
import KubeModel

/// The lab's kubelet and scheduler in one: watches pods in the store, binds unscheduled ones
/// to a Ready node, runs each container as a host process in the pod's network namespace,
/// and reports status, events and logs back through the store.
///
/// Threading: store callbacks hop onto one serial queue; all pod state lives on it. A timer
/// on the same queue (every `pollInterval`) reaps processes, tails logs, restarts containers
/// and enforces deadlines and grace periods. A started container shows in the pod's status at
/// the first tick after the next PLEG relist (every second, as a kubelet's generic PLEG): exec
/// and port-forward work from the start (a kubelet asks the runtime), the API says Running up
/// to about a second later. An ended container shows at the next tick (simpler than a kubelet,
/// which also sees ends at its relist). `sandbox(namespace:name:)` reads a snapshot
/// kept under a lock, so the API server can call it from any thread.
public final class LabKubelet: PodSandboxLookup, @unchecked Sendable {
    public static let defaultImages: Set<String> = LabImages.defaults

    public let store: LabStore
    public let network: LabNetwork
    public let directory: String
    let registry: LabRegistry
    let nodeRoot: @Sendable (String) -> String
    let pollInterval: TimeInterval = 0.2
    /// A kubelet's generic PLEG relists the runtime every second: a container that started shows
    /// in the pod's status at the first relist after its start (then at the next tick here).
    let relistPeriod: TimeInterval = 1
    /// Extra seconds before a started container is reported (the `pleg-lag` fault); read at each start.
    let statusLag: @Sendable () -> Double

    let queue = DispatchQueue(label: "aksnet.lab.kubelet")
    // Queue-confined state.
    var pods: [String: KubeletPod] = [:]
    var unscheduled: [String: Double] = [:]
    var schedulerCursor = 0
    var timer: DispatchSourceTimer?
    var subscription: StoreSubscription?
    var running = false

    private let snapshotLock = NSLock()
    private var snapshots: [String: PodSandbox] = [:]

    /// `nodeRoot` names the directory standing for a node's `/` (given to hostPath `/` mounts
    /// as `AKSNET_HOST_ROOT`); by default `DIR/nodes/<node>`.
    public init(store: LabStore, network: LabNetwork, directory: String, registry: LabRegistry = LabRegistry(password: ""),
                nodeRoot: (@Sendable (String) -> String)? = nil, statusLag: @escaping @Sendable () -> Double = { 0 }) {
        self.statusLag = statusLag
        self.store = store
        self.network = network
        self.directory = directory
        self.registry = registry
        self.nodeRoot = nodeRoot ?? { node in "\(directory)/nodes/\(node)" }
    }

    /// Where the images' own programs are (see `ImageOverlays`).
    var imagesRoot: String { directory + "/images" }

    /// Starts watching pods (existing ones included) and takes over graceful pod deletion.
    public func start() throws {
        try ImageOverlays.install(root: imagesRoot)
        queue.sync {
            guard !running else { return }
            running = true
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now() + pollInterval, repeating: pollInterval)
            timer.setEventHandler { [weak self] in self?.tick() }
            timer.resume()
            self.timer = timer
        }
        store.setPodTerminationHook { [weak self] pod in
            guard let self else { return }
            self.queue.async { self.terminationRequested(pod) }
        }
        let subscription = try store.subscribe(.pods) { [weak self] event in
            guard let self else { return }
            self.queue.async { self.handle(event) }
        }
        queue.sync { self.subscription = subscription }
    }

    /// Stops watching, ends every pod process (by PID, SIGTERM then SIGKILL) and removes
    /// every pod namespace this kubelet made. Pod objects stay in the store as they are.
    public func stop() {
        store.setPodTerminationHook(nil)
        queue.sync {
            subscription?.cancel()
            subscription = nil
            timer?.cancel()
            timer = nil
            running = false
            let all = Array(pods.values)
            for pod in all where !pod.liveProcesses.isEmpty {
                for process in pod.liveProcesses { ProcessGroup.signal(process, SIGTERM) }
            }
            let deadline = Date().addingTimeInterval(2)
            while Date() < deadline, all.contains(where: { !$0.liveProcesses.isEmpty }) { usleep(20_000) }
            for pod in all { tearDown(pod) }
            pods = [:]
            unscheduled = [:]
            HostMountPoints.removeAll(directory: directory)
        }
        snapshotLock.withLock { snapshots = [:] }
    }

    public func sandbox(namespace: String, name: String) -> PodSandbox? {
        snapshotLock.withLock { snapshots["\(namespace)/\(name)"] }
    }

    /// The first relist at or after `time` (relists at whole multiples of `period`).
    static func nextRelist(after time: Double, period: Double) -> Double {
        (time / period).rounded(.up) * period
    }

    func publishSandbox(_ pod: KubeletPod) {
        let sandbox = pod.sandbox()
        snapshotLock.withLock { snapshots[pod.key] = sandbox }
    }

    func forgetSandbox(_ key: String) {
        snapshotLock.withLock { _ = snapshots.removeValue(forKey: key) }
    }

    // MARK: store events (on the queue)

    func handle(_ event: StoreEvent) {
        guard running else { return }
        let object = event.object
        let key = "\(object.metadataNamespace ?? "default")/\(object.name)"
        let uid = object["metadata"]?["uid"]?.stringValue ?? ""
        if event.kind == .deleted {
            unscheduled[key] = nil
            if let pod = pods[key], pod.uid == uid { discard(pod) }
            return
        }
        if let pod = pods[key], pod.uid != uid { discard(pod) }
        let node = object["spec"]?["nodeName"]?.stringValue ?? ""
        if node.isEmpty {
            if object["metadata"]?["deletionTimestamp"] == nil { schedule(object) }
            return
        }
        unscheduled[key] = nil
        if let pod = pods[key] {
            pod.object = object
            if object["metadata"]?["deletionTimestamp"] != nil {
                terminationRequested(object)
            } else {
                startNewEphemeralContainers(pod)
            }
            return
        }
        let phase = object["status"]?["phase"]?.stringValue ?? "Pending"
        guard phase != "Succeeded", phase != "Failed", object["metadata"]?["deletionTimestamp"] == nil else { return }
        let pod = KubeletPod(object: object, nodeName: node)
        pods[key] = pod
        startSandbox(pod)
    }

    /// A pod got `deletionTimestamp`: SIGTERM now, SIGKILL after the grace period, then finish.
    func terminationRequested(_ object: JSONValue) {
        let key = "\(object.metadataNamespace ?? "default")/\(object.name)"
        let uid = object["metadata"]?["uid"]?.stringValue ?? ""
        guard let pod = pods[key], pod.uid == uid, !pod.terminal || pod.network != nil else {
            _ = try? store.finishPodDeletion(namespace: object.metadataNamespace ?? "default", name: object.name)
            return
        }
        pod.object = object
        if let stopping = pod.stopping, stopping.purpose == .deletion { return }
        let grace = Double(object["metadata"]?["deletionGracePeriodSeconds"]?.intValue ?? 30)
        beginStop(pod, purpose: .deletion, grace: grace)
    }

    func beginStop(_ pod: KubeletPod, purpose: KubeletPod.StopPurpose, grace: Double) {
        let now = Date().timeIntervalSince1970
        pod.stopping = (purpose, now + max(0, grace))
        for container in pod.allContainers {
            container.nextStart = nil
            if let process = container.process, process.isRunning {
                ProcessGroup.signal(process, SIGTERM)
                if purpose == .deletion { recordEvent(pod, container: container, reason: "Killing", message: "Stopping container \(container.name)") }
            }
        }
        pod.dirty = true
        tickPod(pod, now: now)
    }

    /// The pod object is gone (deleted at once): kill everything now and clean up.
    func discard(_ pod: KubeletPod) {
        for process in pod.liveProcesses {
            ProcessGroup.signal(process, SIGKILL)
            process.stop(grace: 0)
        }
        // Its logs went with the object (PodLogs.forget): nothing more to read into them.
        for container in pod.allContainers { container.logFinished = true }
        removeNetwork(pod)
        pods[pod.key] = nil
        forgetSandbox(pod.key)
    }

    func removeNetwork(_ pod: KubeletPod) {
        guard let network = pod.network else { return }
        do { try self.network.removePod(name: network.name) } catch {
            FileHandle.standardError.write(Data("lab kubelet: removing \(network.name): \(error)\n".utf8))
        }
        pod.network = nil
    }
}
