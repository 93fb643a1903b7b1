import NIOCore
import NIOHTTP1
import NIOPosix

/// kube-proxy's metrics server on one node: 127.0.0.1:10249 in the node's namespace, answering
/// `GET /proxyMode` with the mode (`iptables`) and `/healthz` with `ok`, as kube-proxy's
/// `--metrics-bind-address` default does; anything else is 404. The lab programs the node's
/// Service rules itself (there is no kube-proxy process); this is the endpoint tools read.
final class KubeProxyMetricsServer: Sendable {
    static let port: UInt16 = 10249
    private let channel: any Channel

    private init(channel: any Channel) { self.channel = channel }

    static func start(group: any EventLoopGroup, netns: String, mode: String) async throws -> KubeProxyMetricsServer {
        let socket = try NetnsSocket.listen(netns: netns, ip: "127.0.0.1", port: port)
        let bootstrap = ServerBootstrap(group: group).childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                try channel.pipeline.syncOperations.addHandler(Handler(mode: mode))
            }
        }
        return KubeProxyMetricsServer(channel: try await bootstrap.withBoundSocket(socket).get())
    }

    func shutdown() async {
        try? await channel.close()
    }

    final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let mode: String

        init(mode: String) { self.mode = mode }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .head(let head) = unwrapInboundIn(data) else { return }
            let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
            let (status, body): (HTTPResponseStatus, String) = switch (head.method, path) {
            case (.GET, "/proxyMode"): (.ok, mode)
            case (.GET, "/healthz"), (.GET, "/livez"): (.ok, "ok")
            default: (.notFound, "404 page not found\n")
            }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
            headers.add(name: "Content-Length", value: String(body.utf8.count))
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
