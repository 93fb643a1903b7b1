import Foundation
import KubeModel

/// The lab's long-running process (`serve` with DIR/lab.json): the network
/// in namespaces, the API objects of an AKS cluster, and the API server;
/// until SIGTERM/SIGINT, then everything it made is removed.
enum LabDaemon {
    static func run(_ directory: LabDirectory) throws {
        // Signals are taken with sigwait; block them before any thread exists. A terminal's
        // hang-up must not end the lab: `down` does.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        signal(SIGHUP, SIG_IGN)
        let config = try LabConfig.read(directory.config)
        try directory.writeAtomically("\(getpid())\n", to: directory.pidFile)
        let started = Date()
        let network = try LabNetwork.up(networkSpec(config), stateFile: directory.networkState)
        var server: LabAPIServer?
        var streaming: NodeStreamingServers?
        var kubelet: LabKubelet?
        var services: ServiceController?
        var daemonSets: DaemonSetController?
        var sshds: [LabProcess] = []
        var faultKeeper: DataplaneFaultKeeper?
        // Stop order: the fault keeper, the API server, the kubelets' streaming servers, the service controller,
        // the kubelet (its pods' processes), the nodes' sshd, then the network.
        defer {
            faultKeeper?.stop()
            if let server { blocking { await server.shutdown() } }
            if let streaming { blocking { await streaming.shutdown() } }
            services?.stop()
            daemonSets?.stop()
            kubelet?.stop()
            for sshd in sshds { sshd.stop() }
            if !sshds.isEmpty { _ = NodeSSH(directory: directory).stopLeftovers() }
            do { try network.down() } catch { log("network teardown: \(error)") }
            try? FileManager.default.removeItem(atPath: directory.readyFile)
            try? FileManager.default.removeItem(atPath: directory.pidFile)
        }
        for node in network.nodes { try NodeRootFiles.write(node, plugin: config.networkPlugin, directory: directory) }
        if NodeSSH.available {
            let ssh = NodeSSH(directory: directory)
            // Windows nodes too: on AKS they run OpenSSH server (here the same sshd as a Linux node's).
            let hosts = network.nodes.map(NodeSSH.Host.init) + network.windowsNodes.map(NodeSSH.Host.init)
            try ssh.prepare(nodes: hosts)
            sshds = ssh.start(nodes: hosts, log: log)
        }
        let store = LabStore()
        if config.ipFamily == "dual" { store.enableDualStackServices() }
        try registerObjects(store: store, network: network, config: config)
        for fault in config.faults {
            try network.apply(try LabFault.parse(fault, defaultNode: network.nodes.first?.name ?? ""))
        }
        for case .conntrackFull(let node) in network.faults { NodeKernelLog.conntrackTableFull(node: node, directory: directory) }
        let kubeletFaults = FaultSwitch(directory: directory.path)
        let podRuntime = LabKubelet(store: store, network: network, directory: directory.path, registry: config.registry,
                                    statusLag: { kubeletFaults.current.plegLag ?? 0 })
        try podRuntime.start()
        kubelet = podRuntime
        let keeper = DataplaneFaultKeeper(directory: directory, network: network)
        keeper.start()
        faultKeeper = keeper
        let serviceController = ServiceController(store: store, network: network)
        try serviceController.start()
        services = serviceController
        let daemonSetController = DaemonSetController(store: store)
        try daemonSetController.start()
        daemonSets = daemonSetController
        // Each node's kubelet serves exec/attach/port-forward/logs on NODE_IP:10250 in the node's namespace;
        // the API server reaches them from the control plane's namespace, through the VNet router.
        let sandboxes = SandboxRegistry(podRuntime)
        let nodes = network.nodes
        let controlPlane = network.controlPlane.netns
        let proxyMode = config.kubeProxy
        let streamingResult = blockingResult {
            try await NodeStreamingServers.start(nodes: nodes, controlPlaneNetns: controlPlane, sandboxes: sandboxes, store: store,
                                                 proxyMode: proxyMode)
        }
        let nodeServers = try streamingResult.get()
        streaming = nodeServers
        let startResult = blockingResult {
            try await LabAPIServer.start(directory: directory.path, port: 0, store: store, sandboxes: podRuntime,
                                         kubelets: nodeServers.endpoints)
        }
        server = try startResult.get()
        try directory.writeAtomically(String(format: "%.2f\n", Date().timeIntervalSince(started)), to: directory.readyFile)
        log("lab \(config.labID) ready in \(String(format: "%.2f", Date().timeIntervalSince(started))) s on \(server?.url ?? "")")
        var received: Int32 = 0
        sigwait(&signals, &received)
        log("signal \(received): stopping")
    }

    static func networkSpec(_ config: LabConfig) throws -> LabNetworkSpec {
        guard let plugin = NetworkPlugin(rawValue: config.networkPlugin) else { throw LabError("unknown --network-plugin \(config.networkPlugin)") }
        guard let family = IPFamily(rawValue: config.ipFamily) else { throw LabError("unknown --ip-family \(config.ipFamily)") }
        var pools: [NodePoolSpec] = []
        for pool in config.nodePools { pools.append(NodePoolSpec(name: pool.name, count: pool.count)) }
        return LabNetworkSpec(labID: config.labID, plugin: plugin, ipFamily: family, nodePools: pools, windowsNodes: config.windowsNodes)
    }

    static func registerObjects(store: LabStore, network: LabNetwork, config: LabConfig) throws {
        var name = utsname()
        uname(&name)
        let kernel = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        for node in network.nodes {
            _ = try store.create(.nodes, namespace: nil, object: ClusterObjects.node(node, config: config, kernel: kernel))
        }
        for node in network.windowsNodes {
            _ = try store.create(.nodes, namespace: nil, object: ClusterObjects.windowsNode(node))
        }
        for (resource, object) in ClusterObjects.kubernetesEndpoints() + ClusterObjects.kubeSystem(config: config) {
            _ = try store.create(resource, namespace: object.metadataNamespace, object: object)
        }
    }

    static func log(_ line: String) {
        StandardStreams.writeError("[\(RFC3339.format(Date().timeIntervalSince1970))] \(line)\n")
    }
}

/// Runs async work from synchronous code (the daemon's main thread).
func blocking(_ work: @escaping @Sendable () async -> Void) {
    let done = DispatchSemaphore(value: 0)
    Task {
        await work()
        done.signal()
    }
    done.wait()
}

func blockingResult<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) -> Result<T, any Error> {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { box.set(.success(try await work())) } catch { box.set(.failure(error)) }
        done.signal()
    }
    done.wait()
    return box.get() ?? .failure(LabError("no result"))
}

final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Result<T, any Error>?
    func set(_ newValue: Result<T, any Error>) { lock.withLock { value = newValue } }
    func get() -> Result<T, any Error>? { lock.withLock { value } }
}
