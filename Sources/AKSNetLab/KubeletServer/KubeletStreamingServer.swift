import NIOCore
import NIOHTTP1
import NIOPosix

/// The lab kubelet's streaming server on one node: plain HTTP on NODE_IP:10250, listening inside
/// the node's network namespace, so that exec/attach/port-forward and log bytes reach the node over
/// its own eth0, as they reach a real kubelet. (A real kubelet serves HTTPS there; the lab keeps
/// this hop in clear text to spare a second encryption on the way, see README "The lab".)
public final class KubeletStreamingServer: Sendable {
    public let node: String?
    public let host: String
    public let port: Int
    private let channel: any Channel

    private init(node: String?, host: String, port: Int, channel: any Channel) {
        self.node = node
        self.host = host
        self.port = port
        self.channel = channel
    }

    /// Listens on `host:port` inside `netns` (nil: the process's namespace), serving the pods the
    /// sandboxes place on `node` (nil: every node — the API server's own loopback kubelet).
    public static func start(group: any EventLoopGroup, node: String?, netns: String?, host: String, port: UInt16,
                             sandboxes: SandboxRegistry, store: LabStore) async throws -> KubeletStreamingServer {
        let route = KubeletStreamRoute(node: node, sandboxes: sandboxes)
        let socket = try NetnsSocket.listen(netns: netns, ip: host, port: port)
        let bootstrap = ServerBootstrap(group: group)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.writeBufferWaterMark, value: StreamRelay.waterMark)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let upgrader = KubeletStreamUpgrader(route: route)
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }), withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(KubeletRequestHandler(route: route, store: store))
                }
            }
        // NIO owns the descriptor from here (it closes it on failure too).
        let channel = try await bootstrap.withBoundSocket(socket).get()
        return KubeletStreamingServer(node: node, host: host, port: channel.localAddress?.port ?? Int(port), channel: channel)
    }

    public func shutdown() async {
        try? await channel.close()
    }
}
