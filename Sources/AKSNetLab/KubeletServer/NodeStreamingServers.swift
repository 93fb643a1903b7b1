import Foundation
import NIOCore
import NIOPosix

/// Every node's kubelet streaming server (NODE_IP:10250 in the node's namespace) and kube-proxy
/// metrics endpoint (127.0.0.1:10249), on one event loop group of their own, and the endpoints
/// the API server dials the kubelets at.
public final class NodeStreamingServers: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let servers: [KubeletStreamingServer]
    private let proxies: [KubeProxyMetricsServer]
    public let endpoints: KubeletEndpoints

    private init(group: MultiThreadedEventLoopGroup, servers: [KubeletStreamingServer], proxies: [KubeProxyMetricsServer],
                 endpoints: KubeletEndpoints) {
        self.group = group
        self.servers = servers
        self.proxies = proxies
        self.endpoints = endpoints
    }

    /// Listens on each node; the API server's connections will start in `controlPlaneNetns`.
    public static func start(nodes: [NodeNetwork], controlPlaneNetns: String, sandboxes: SandboxRegistry, store: LabStore,
                             proxyMode: String = "iptables", threads: Int = 2) async throws -> NodeStreamingServers {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        var servers: [KubeletStreamingServer] = []
        var proxies: [KubeProxyMetricsServer] = []
        do {
            for node in nodes {
                servers.append(try await KubeletStreamingServer.start(
                    group: group, node: node.name, netns: node.netns, host: node.ipv4.description, port: LabAddressPlan.kubeletPort,
                    sandboxes: sandboxes, store: store))
                proxies.append(try await KubeProxyMetricsServer.start(group: group, netns: node.netns, mode: proxyMode))
            }
        } catch {
            for server in servers { await server.shutdown() }
            for proxy in proxies { await proxy.shutdown() }
            try? await group.shutdownGracefully()
            throw error
        }
        let endpoints = KubeletEndpoints(sourceNetns: controlPlaneNetns,
                                         nodes: Dictionary(nodes.map { ($0.name, $0.ipv4.description) }, uniquingKeysWith: { a, _ in a }))
        return NodeStreamingServers(group: group, servers: servers, proxies: proxies, endpoints: endpoints)
    }

    public func shutdown() async {
        for server in servers { await server.shutdown() }
        for proxy in proxies { await proxy.shutdown() }
        try? await group.shutdownGracefully()
    }
}
