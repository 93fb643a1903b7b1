import KubeClient
import KubeModel
import Synchronization

/// A relay to one node's port, ready for port-forward streams: resolved node, a joined or new
/// relay pod, and a probe that it listens and the node answers. `close()` leaves the relay
/// (the last user deletes it).
public final class RelayConnection: Sendable {
    public let client: KubeClient
    public let node: JumpNode
    public let relayNode: String
    public let port: UInt16
    public let namespace: String
    public let pod: String
    let pool: RelayPool
    let lease: RelayPool.Lease
    /// The probe's stream (the node's banner kept), for the first connection.
    let held = Mutex<PortForwardStream?>(nil)

    init(client: KubeClient, node: JumpNode, relayNode: String, port: UInt16, namespace: String, pool: RelayPool, lease: RelayPool.Lease) {
        self.client = client
        self.node = node
        self.relayNode = relayNode
        self.port = port
        self.namespace = namespace
        self.pool = pool
        self.lease = lease
        self.pod = lease.pod
    }

    /// Finds the node, acquires a relay and probes it. Every failure after the relay exists
    /// leaves it again before throwing.
    public static func open(client: KubeClient, options: JumpOptions) throws(JumpError) -> RelayConnection {
        let (node, all) = try JumpNode.resolve(options.node, client: client)
        guard let host = JumpNode.relayHost(for: node, among: all) else { throw JumpError.noLinuxNode(node.name) }
        let session = HelperSession(client: client, options: options.helperOptions(session: HelperLabels.newSessionID()), keep: true)
        do { try session.ensureHelperNamespace() } catch { throw JumpError.session(error) }
        let pool = RelayPool(client: client, options: session.options)
        // SSH speaks first: on port 22 silence means socat is still connecting (an unreachable
        // node takes its 10 s connect-timeout), so wait for its verdict; other ports may stay silent.
        let silentAfter: Double = options.port == 22 ? 15 : 5
        // A new relay is probed as soon as socat listens, before its status says Running.
        let (lease, probed) = try pool.acquire(session: session, target: node, runOn: host, port: options.port,
                                               waitTimeout: options.startTimeout) { pod in
            RelayProbe.early(client: client, namespace: pool.namespace, pod: pod, silentAfter: silentAfter)
        }
        let relay = RelayConnection(client: client, node: node, relayNode: host.name, port: options.port,
                                    namespace: pool.namespace, pool: pool, lease: lease)
        if StopSignal.isSet {
            probed?.1?.close()
            relay.close()
            throw JumpError.session(.interrupted(StopSignal.received))
        }
        let (outcome, stream) = probed ?? RelayProbe.open(client: client, namespace: pool.namespace, pod: lease.pod,
                                                          timeout: silentAfter + 5, silentAfter: silentAfter)
        switch outcome {
        case .answered, .silent:
            relay.held.withLock { $0 = stream }
            return relay
        case .refused:
            relay.close()
            throw JumpError.sshRefused(node: node.name, ip: node.internalIP, port: options.port, windows: node.isWindows)
        case .failed(let reason):
            relay.close()
            if StopSignal.isSet { throw JumpError.session(.interrupted(StopSignal.received)) }
            throw JumpError.stream("cannot reach the relay \(pool.namespace)/\(lease.pod) for node \(node.name): \(reason)")
        }
    }

    /// A port-forward stream to the relay, one per connection: the probe's for the first.
    public func stream() throws(KubeError) -> PortForwardStream {
        if let first = held.withLock({ held -> PortForwardStream? in
            defer { held = nil }
            return held
        }) { return first }
        return try client.portForward(namespace: namespace, pod: pod, port: JumpPods.relayListenPort)
    }

    public func close() {
        held.withLock { held in
            held?.close()
            held = nil
        }
        pool.release(lease)
    }
}
