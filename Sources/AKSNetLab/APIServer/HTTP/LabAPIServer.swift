import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The lab's Kubernetes API server: HTTPS (HTTP/1.1 only) on 127.0.0.1 over one `LabStore`.
/// Reads `DIR/pki/{ca.crt,server.crt,server.key}` and `DIR/tokens`; writes `DIR/apiserver.port` when ready.
public final class LabAPIServer: Sendable {
    public let store: LabStore
    public let port: Int
    public let directory: String
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup
    /// Where exec/attach/port-forward find running pods (the lab kubelet's `PodSandboxLookup`).
    public let sandboxRegistry: SandboxRegistry
    /// Where the streams and logs go: the nodes' kubelets.
    public let kubelets: KubeletEndpoints
    /// The API server's own kubelet on 127.0.0.1 when it was given no nodes' kubelets.
    private let loopbackKubelet: KubeletStreamingServer?

    private init(store: LabStore, port: Int, directory: String, channel: any Channel, group: MultiThreadedEventLoopGroup,
                 sandboxRegistry: SandboxRegistry, kubelets: KubeletEndpoints, loopbackKubelet: KubeletStreamingServer?) {
        self.sandboxRegistry = sandboxRegistry
        self.kubelets = kubelets
        self.loopbackKubelet = loopbackKubelet
        self.store = store
        self.port = port
        self.directory = directory
        self.channel = channel
        self.group = group
    }

    public var url: String { "https://127.0.0.1:\(port)" }

    /// The lab kubelet's pods, for exec/attach/port-forward; nil (the default) refuses them
    /// like pods that are not running. May be set after `start`.
    public var sandboxes: (any PodSandboxLookup)? {
        get { sandboxRegistry.lookup }
        set { sandboxRegistry.lookup = newValue }
    }

    /// `kubelets`: the nodes' streaming servers (the lab daemon's); nil starts one on 127.0.0.1
    /// for every node, so exec/attach/port-forward/logs take the same proxied path without a lab network.
    public static func start(directory: String, port: Int = 0, store: LabStore = LabStore(), threads: Int = 2,
                             sandboxes: (any PodSandboxLookup)? = nil, kubelets given: KubeletEndpoints? = nil) async throws -> LabAPIServer {
        let registry = SandboxRegistry(sandboxes)
        LabDefaultRoles.seed(store)
        let pki = directory + "/pki"
        let chain = try NIOSSLCertificate.fromPEMFile(pki + "/server.crt")
        let key = try NIOSSLPrivateKey(file: pki + "/server.key", format: .pem)
        let authorities = try NIOSSLCertificate.fromPEMFile(pki + "/ca.crt")
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        tls.certificateVerification = .optionalVerification
        tls.trustRoots = .certificates(authorities)
        tls.applicationProtocols = ["http/1.1"]
        let sslContext = try NIOSSLContext(configuration: tls)
        // DIR/faults.json: injected 5xx/429, latency, token expiry, cut streams (`kubectl-aksnet-lab fault`).
        let faults = FaultSwitch(directory: directory)
        let authenticator = Authenticator(tokensPath: directory + "/tokens", faults: faults)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        var loopbackKubelet: KubeletStreamingServer?
        let kubelets: KubeletEndpoints
        if let given {
            kubelets = given
        } else {
            do {
                let loopback = try await KubeletStreamingServer.start(group: group, node: nil, netns: nil, host: "127.0.0.1", port: 0,
                                                                      sandboxes: registry, store: store)
                loopbackKubelet = loopback
                kubelets = KubeletEndpoints(sourceNetns: nil, nodes: [:], port: UInt16(loopback.port), anyNode: "127.0.0.1")
            } catch {
                try? await group.shutdownGracefully()
                throw error
            }
        }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let port = channel.localAddress?.port ?? 0
                    let router = Router(store: store, serverAddress: "127.0.0.1:\(port)")
                    let pending = FaultSwitch.Pending()
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    // `Upgrade: websocket` (exec/attach/port-forward) goes through StreamUpgrader.
                    let upgrader = StreamUpgrader(router: router, authenticator: authenticator, kubelets: kubelets,
                                                  faults: faults, pending: pending)
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }), withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(APIRequestHandler(router: router, authenticator: authenticator, kubelets: kubelets,
                                                                                       faults: faults, pending: pending))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: "127.0.0.1", port: port).get()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        let bound = channel.localAddress?.port ?? port
        let server = LabAPIServer(store: store, port: bound, directory: directory, channel: channel, group: group,
                                  sandboxRegistry: registry, kubelets: kubelets, loopbackKubelet: loopbackKubelet)
        try server.writePortFile()
        return server
    }

    /// `DIR/apiserver.port`, written to a temporary name and renamed, so readers never see half a file.
    func writePortFile() throws {
        let final = directory + "/apiserver.port"
        let temporary = final + ".tmp.\(getpid())"
        try "\(port)\n".write(toFile: temporary, atomically: false, encoding: .utf8)
        guard rename(temporary, final) == 0 else {
            throw APIError.internalError("cannot rename \(temporary) to \(final): errno \(errno)")
        }
    }

    public func shutdown() async {
        try? await channel.close()
        await loopbackKubelet?.shutdown()
        try? await group.shutdownGracefully()
    }
}
