import NIOCore
import NIOPosix

/// Where the API server finds each node's kubelet, and where its connections start: in the lab,
/// NODE_IP:10250 dialled from the control plane's network namespace, so the stream crosses the
/// VNet router and the node's eth0. Without a lab network (the API server alone, in tests) every
/// node is the API server's own loopback kubelet.
public struct KubeletEndpoints: Sendable {
    /// The namespace the connections are made in; nil: the process's own.
    public var sourceNetns: String?
    /// Node name → the kubelet's address (the node's InternalIP).
    public var nodes: [String: String]
    public var port: UInt16
    /// Serves every node when set (the loopback kubelet).
    public var anyNode: String?

    public init(sourceNetns: String?, nodes: [String: String], port: UInt16 = LabAddressPlan.kubeletPort, anyNode: String? = nil) {
        self.sourceNetns = sourceNetns
        self.nodes = nodes
        self.port = port
        self.anyNode = anyNode
    }

    /// The kubelet's host for `node`; nil when no kubelet serves it (e.g. a Windows node object).
    func host(node: String) -> String? { nodes[node] ?? anyNode }

    /// A TCP connection to `node`'s kubelet, made in `sourceNetns` on a helper thread and handed
    /// to NIO on `eventLoop` (the client connection's loop, so the relay never crosses threads).
    /// `initializer` sets up the pipeline before any byte is read.
    func dial(node: String, on eventLoop: any EventLoop,
              initializer: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>) -> EventLoopFuture<any Channel> {
        guard let host = host(node: node) else {
            return eventLoop.makeFailedFuture(KubeletDialError(message: "no kubelet for node \"\(node)\""))
        }
        let port = port
        let promise = eventLoop.makePromise(of: (any Channel).self)
        NetnsSocket.detached(sourceNetns) { joined in
            do {
                try joined.get()
                let fd = try NetnsSocket.connect(netns: nil, ip: host, port: port)
                ClientBootstrap(group: eventLoop)
                    .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
                    .channelOption(ChannelOptions.writeBufferWaterMark, value: StreamRelay.waterMark)
                    .channelInitializer(initializer)
                    .withConnectedSocket(fd)
                    .cascade(to: promise)
            } catch {
                promise.fail(KubeletDialError(message: "error dialing backend: \(error)"))
            }
        }
        return promise.futureResult
    }

    /// `HOST:PORT` of a node's kubelet (the Host header, messages).
    func address(node: String) -> String { "\(host(node: node) ?? node):\(port)" }
}

struct KubeletDialError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
