import Foundation
import NIOCore
import NIOPosix

/// Every node's kubelet streaming server (NODE_IP:10250 in the node's namespace), on one event
/// loop group of their own, and the endpoints the API server dials them at.
public final class NodeStreamingServers: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let servers: [KubeletStreamingServer]
    public let endpoints: KubeletEndpoints

    private init(group: MultiThreadedEventLoopGroup, servers: [KubeletStreamingServer], endpoints: KubeletEndpoints) {
        self.group = group
        self.servers = servers
        self.endpoints = endpoints
    }

    /// Listens on each node; the API server's connections will start in `controlPlaneNetns`.
    public static func start(nodes: [NodeNetwork], controlPlaneNetns: String, sandboxes: SandboxRegistry, store: LabStore,
                             threads: Int = 2) async throws -> NodeStreamingServers {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        var servers: [KubeletStreamingServer] = []
        do {
            for node in nodes {
                servers.append(try await KubeletStreamingServer.start(
                    group: group, node: node.name, netns: node.netns, host: node.ipv4.description, port: LabAddressPlan.kubeletPort,
                    sandboxes: sandboxes, store: store))
            }
        } catch {
            for server in servers { await server.shutdown() }
            try? await group.shutdownGracefully()
            throw error
        }
        let endpoints = KubeletEndpoints(sourceNetns: controlPlaneNetns,
                                         nodes: Dictionary(nodes.map { ($0.name, $0.ipv4.description) }, uniquingKeysWith: { a, _ in a }))
        return NodeStreamingServers(group: group, servers: servers, endpoints: endpoints)
    }

    public func shutdown() async {
        for server in servers { await server.shutdown() }
        try? await group.shutdownGracefully()
    }
}
