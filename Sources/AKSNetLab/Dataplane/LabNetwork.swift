import Foundation

/// One lab's dataplane: a VNet router namespace, a namespace per node and per pod,
/// kube-proxy rules and faults. Every change is recorded in `stateFile` first, so
/// `LabNetwork.teardown(stateFile:)` can undo it all from another process.
/// Thread-safe: calls are serialized.
public final class LabNetwork: @unchecked Sendable {
    public let plan: LabAddressPlan
    public let stateFile: String
    private var state: LabNetworkState
    private let lock = NSLock()
    private var services6: [ServiceSpec6] = []
    private var baseNAT6Installed = false

    private init(plan: LabAddressPlan, state: LabNetworkState, stateFile: String) {
        self.plan = plan
        self.state = state
        self.stateFile = stateFile
    }

    /// Builds the lab's network. On failure everything created so far is torn down.
    public static func up(_ spec: LabNetworkSpec, stateFile: String) throws -> LabNetwork {
        let plan = try LabAddressPlan(spec: spec)
        let existing = try Netns.list().filter { $0.hasPrefix(LabNames.namespacePrefix(labID: spec.labID)) }
        guard existing.isEmpty else {
            throw LabNetworkError.invalidSpec("lab \(spec.labID) already has namespaces: \(existing.joined(separator: " "))")
        }
        let network = LabNetwork(plan: plan, state: LabNetworkState(spec: spec), stateFile: stateFile)
        do {
            try network.save()
            let builder = TopologyBuilder(plan: plan)
            try builder.buildVNet(record: network.recordNamespace)
            for node in plan.nodes {
                try builder.buildNode(node, record: network.recordNamespace)
            }
            for node in plan.windowsNodes {
                try builder.buildWindowsNode(node, record: network.recordNamespace)
            }
            try builder.buildControlPlane(record: network.recordNamespace)
            try builder.finishVNet()
        } catch {
            try? network.down()
            throw error
        }
        return network
    }

    /// Picks up a lab built by another process (e.g. after a restart) from its state file.
    public static func attach(stateFile: String) throws -> LabNetwork {
        let state = try LabNetworkState.load(from: stateFile)
        return LabNetwork(plan: try LabAddressPlan(spec: state.spec), state: state, stateFile: stateFile)
    }

    /// Deletes every namespace the state file names, and any other `aksl-<id>-…` namespace,
    /// ending processes still inside them; then removes the state file.
    public static func teardown(stateFile: String) throws {
        let state = try LabNetworkState.load(from: stateFile)
        try teardown(labID: state.spec.labID, recorded: state.namespaces)
        try? FileManager.default.removeItem(atPath: stateFile)
    }

    static func teardown(labID: String, recorded: [String]) throws {
        let prefix = LabNames.namespacePrefix(labID: labID)
        let present = Set(try Netns.list().filter { $0.hasPrefix(prefix) })
        // Pods before nodes before the router: reverse creation order, then strays.
        var order = recorded.reversed().filter { present.contains($0) }
        order += present.subtracting(order).sorted()
        var firstError: Error?
        for name in order {
            do { try Netns.delete(name) } catch { firstError = firstError ?? error }
        }
        if let firstError { throw firstError }
    }

    public func down() throws {
        lock.lock()
        defer { lock.unlock() }
        try LabNetwork.teardown(labID: plan.spec.labID, recorded: state.namespaces)
        try? FileManager.default.removeItem(atPath: stateFile)
    }

    public var spec: LabNetworkSpec { plan.spec }
    /// Where the API server's connections to the kubelets start: namespace and address.
    public var controlPlane: (netns: String, ipv4: IPv4Address) { (plan.controlPlaneNetns, LabAddressPlan.controlPlaneIPv4) }
    /// The Linux nodes: every one runs pods, kube-proxy rules and a kubelet server.
    public var nodes: [NodeNetwork] { plan.nodes }
    /// The Windows nodes: a namespace with the InternalIP (for their sshd) only.
    public var windowsNodes: [WindowsNodeNetwork] { plan.windowsNodes }
    public var pods: [PodNetwork] { locked { state.pods } }
    public var services: [ServiceSpec] { locked { state.services } }
    public var activeFaults: [LabFault] { locked { state.faults } }

    /// A node by Kubernetes name, namespace name, or `nodeN`.
    public func node(named name: String) -> NodeNetwork? {
        plan.nodes.first { $0.name == name || $0.netns == name || "node\($0.index + 1)" == name }
    }

    public func pod(named name: String) -> PodNetwork? { locked { state.pods.first { $0.name == name } } }

    // MARK: pods

    /// Creates the pod's namespace `aksl-<id>-pod-<name>` wired to `node`. A hostNetwork pod
    /// gets no namespace of its own: its `netnsName` is the node's.
    @discardableResult
    public func addPod(node nodeName: String, name: String, hostNetwork: Bool = false) throws -> PodNetwork {
        lock.lock()
        defer { lock.unlock() }
        guard LabNames.isValidName(name) else { throw LabNetworkError.invalidSpec("pod name \"\(name)\" must be of [a-z0-9.-]") }
        guard let node = node(named: nodeName) else { throw LabNetworkError.unknownNode(nodeName) }
        guard !state.pods.contains(where: { $0.name == name }) else { throw LabNetworkError.duplicatePod(name) }
        if hostNetwork {
            let pod = PodNetwork(name: name, node: node.name, netnsName: node.netns, ipv4: node.ipv4,
                                 ipv6: node.ipv6, hostVethName: nil, hostNetwork: true)
            state.pods.append(pod)
            try save()
            return pod
        }
        let builder = PodBuilder(plan: plan)
        let taken = Set(state.pods.filter { $0.node == node.name && !$0.hostNetwork }.map(\.ipv4))
        let ipv4 = try builder.allocate(node: node, taken: taken)
        let pod = PodNetwork(name: name, node: node.name, netnsName: LabNames.pod(labID: plan.spec.labID, name: name),
                             ipv4: ipv4, ipv6: plan.podIPv6(node: node, ipv4: ipv4),
                             hostVethName: PodBuilder.hostVethName(plugin: plan.spec.plugin, labID: plan.spec.labID, pod: name),
                             hostNetwork: false)
        state.pods.append(pod)
        try recordNamespaceLocked(pod.netnsName)
        do {
            try Netns.add(pod.netnsName)
            try builder.wire(pod, on: node, vnetRoute: !state.faults.contains(.missingRoute(node: node.name)))
        } catch {
            try? removePodLocked(pod, node: node)
            throw error
        }
        return pod
    }

    public func removePod(name: String) throws {
        lock.lock()
        defer { lock.unlock() }
        guard let pod = state.pods.first(where: { $0.name == name }) else { throw LabNetworkError.unknownPod(name) }
        try removePodLocked(pod, node: node(named: pod.node))
    }

    private func removePodLocked(_ pod: PodNetwork, node: NodeNetwork?) throws {
        if !pod.hostNetwork {
            if let node, !state.faults.contains(.missingRoute(node: node.name)) {
                // The route may already be gone; deleting the namespace is what matters.
                try? Netns.ipBatch(plan.vnetNetns, PodBuilder(plan: plan).vnetRoutes(for: pod, on: node, verb: "del"))
            }
            try Netns.delete(pod.netnsName)
            state.namespaces.removeAll { $0 == pod.netnsName }
        }
        state.pods.removeAll { $0.name == pod.name }
        try save()
    }

    // MARK: services

    /// Installs (or replaces) a ClusterIP service in every node's nat table.
    public func addService(_ service: ServiceSpec) throws {
        lock.lock()
        defer { lock.unlock() }
        guard LabAddressPlan.serviceCIDR.contains(service.clusterIP) else {
            throw LabNetworkError.invalidSpec("cluster IP \(service.clusterIP) is outside \(LabAddressPlan.serviceCIDR)")
        }
        let previous = state.services.filter { $0.key == service.key && $0.protocol == service.protocol }
        state.services.removeAll { $0.key == service.key && $0.protocol == service.protocol }
        state.services.append(service)
        try syncServices(removed: previous)
    }

    public func removeService(namespace: String = "default", name: String) throws {
        lock.lock()
        defer { lock.unlock() }
        let removed = state.services.filter { $0.namespace == namespace && $0.name == name }
        guard !removed.isEmpty else { throw LabNetworkError.unknownService("\(namespace)/\(name)") }
        state.services.removeAll { $0.namespace == namespace && $0.name == name }
        try syncServices(removed: removed)
    }

    /// Replaces every IPv6 service at once (dual-stack labs). Kept in memory only: the rules
    /// live in the node namespaces, which `down` removes whole.
    public func setServices6(_ services: [ServiceSpec6]) throws {
        lock.lock()
        defer { lock.unlock() }
        guard plan.nodes.allSatisfy({ $0.ipv6 != nil }) else { return }
        if !baseNAT6Installed {
            for node in plan.nodes { try Netns.iptablesRestore(node.netns, KubeProxyRules.baseNAT6, ipv6: true) }
            baseNAT6Installed = true
        }
        let removed = services6.filter { old in !services.contains { $0.key == old.key && $0.protocol == old.protocol } }
        services6 = services
        let rules = KubeProxyRules.services6(services, removed: removed)
        for node in plan.nodes { try Netns.iptablesRestore(node.netns, rules, ipv6: true) }
    }

    /// Replaces every service at once (the service controller's view of the API objects).
    public func setServices(_ services: [ServiceSpec]) throws {
        lock.lock()
        defer { lock.unlock() }
        let wanted = services.filter { LabAddressPlan.serviceCIDR.contains($0.clusterIP) }
        let removed = state.services.filter { old in !wanted.contains { $0.key == old.key && $0.protocol == old.protocol } }
        state.services = wanted
        try syncServices(removed: removed)
    }

    private func syncServices(removed: [ServiceSpec]) throws {
        try save()
        let rules = KubeProxyRules.services(state.services, removed: removed)
        for node in plan.nodes {
            try Netns.iptablesRestore(node.netns, rules)
        }
    }

    // MARK: faults

    /// The faults in force, with Kubernetes node names.
    public var faults: [LabFault] { locked { state.faults } }

    /// `fault` with its node as a Kubernetes node name (`node2` → `aks-…-vmss000001`).
    public func canonicalName(_ fault: LabFault) throws -> LabFault {
        lock.lock()
        defer { lock.unlock() }
        return try canonical(fault)
    }

    public func apply(_ fault: LabFault) throws {
        lock.lock()
        defer { lock.unlock() }
        let fault = try canonical(fault)
        guard !state.faults.contains(fault) else { return }
        try injector(except: fault).apply(fault, node: target(of: fault))
        state.faults.append(fault)
        try save()
    }

    public func revert(_ fault: LabFault) throws {
        lock.lock()
        defer { lock.unlock() }
        let fault = try canonical(fault)
        guard state.faults.contains(fault) else { return }
        try injector(except: fault).revert(fault, node: target(of: fault))
        state.faults.removeAll { $0 == fault }
        try save()
    }

    private func injector(except fault: LabFault) -> FaultInjector {
        FaultInjector(plan: plan, pods: state.pods, otherFaults: state.faults.filter { $0 != fault })
    }

    /// Node references become Kubernetes node names, so `node1` and the full name are one fault.
    private func canonical(_ fault: LabFault) throws -> LabFault {
        func resolve(_ name: String) throws -> String {
            if plan.windowsNodes.contains(where: { $0.name == name || $0.netns == name }) {
                throw LabNetworkError.invalidFault("\(name) is a Windows node; the lab's dataplane faults act on Linux nodes (their pods, forwarding and rules)")
            }
            guard let node = node(named: name) else { throw LabNetworkError.unknownNode(name) }
            return node.name
        }
        switch fault {
        case .missingRoute(let n): return .missingRoute(node: try resolve(n))
        case .ipForwardOff(let n): return .ipForwardOff(node: try resolve(n))
        case .noMasquerade(let n): return .noMasquerade(node: try resolve(n))
        case .conntrackFull(let n): return .conntrackFull(node: try resolve(n))
        case .mtuMismatch(let n, let mtu): return .mtuMismatch(node: try resolve(n), mtu: mtu)
        case .policyDrop(let pod):
            // Pods the kubelet made are NAME.NAMESPACE here; a bare NAME is a pod of `default`,
            // as kubectl reads it.
            let found = state.pods.first(where: { $0.name == pod }) ?? state.pods.first(where: { $0.name == pod + ".default" })
            guard let found, !found.hostNetwork else {
                throw LabNetworkError.unknownPod(pod)
            }
            return .policyDrop(pod: found.name)
        }
    }

    private func target(of fault: LabFault) -> NodeNetwork? {
        switch fault {
        case .missingRoute(let n), .ipForwardOff(let n), .noMasquerade(let n), .conntrackFull(let n), .mtuMismatch(let n, _):
            return node(named: n)
        case .policyDrop(let pod):
            return state.pods.first { $0.name == pod }.flatMap { node(named: $0.node) }
        }
    }

    // MARK: state

    private func recordNamespace(_ name: String) throws {
        try recordNamespaceLocked(name)
    }

    private func recordNamespaceLocked(_ name: String) throws {
        if !state.namespaces.contains(name) { state.namespaces.append(name) }
        try save()
    }

    private func save() throws { try state.save(to: stateFile) }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }
}
