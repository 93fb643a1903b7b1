import KubeModel
import NIOCore
import NIOHTTP1

/// `pods/log` of a scheduled pod, as kube-apiserver serves it: a GET to the node's kubelet
/// (`/containerLogs/NS/POD/CONTAINER?…`) whose body is passed on to the client as it comes.
enum KubeletLogProxy {
    static func start(_ plan: LogPlan, node: String, kubelets: KubeletEndpoints, handler: APIRequestHandler,
                      context: ChannelHandlerContext, head: HTTPRequestHead) {
        let loop = context.eventLoop
        let client = NIOLoopBound((handler, context), eventLoop: loop)
        let keepAlive = head.isKeepAlive
        let uri = KubeletURL.uri(.logs(namespace: plan.namespace, pod: plan.pod, container: plan.container, follow: plan.follow,
                                       tailLines: plan.tailLines, limitBytes: plan.limitBytes))
        let address = kubelets.address(node: node)
        // A refusal (404: not this node's pod…) is collected and answered as a Status; a 200 is streamed.
        let refusal = RefusalBox()
        let reader = KubeletLogReader(
            onHead: { status in
                let (handler, context) = client.value
                if status == 200 {
                    handler.writeStreamHead(context: context, head: head, contentType: "text/plain")
                } else {
                    refusal.status = status
                }
            },
            onBody: { buffer in
                let (handler, context) = client.value
                if refusal.status == nil {
                    handler.writeChunk(context: context, buffer)
                } else {
                    refusal.text += String(buffer: buffer)
                }
            },
            onEnd: {
                let (handler, context) = client.value
                guard let status = refusal.status else { return handler.endStream(context: context, keepAlive: keepAlive) }
                guard handler.stopStream != nil else { return }
                handler.stopStream = nil
                let message = refusal.text.trimmed
                handler.writeFull(context: context, head: head,
                                  response: .status(APIError.make(status, status == 404 ? "NotFound" : "BadRequest", message)))
            })
        let backendBox = BackendBox()
        // The client going away (or the response ending) closes the kubelet's connection.
        handler.stopStream = { backendBox.channel?.close(promise: nil) }
        kubelets.dial(node: node, on: loop) { backend in
            backend.eventLoop.makeCompletedFuture {
                try backend.pipeline.syncOperations.addHTTPClientHandlers()
                try backend.pipeline.syncOperations.addHandler(reader)
            }
        }.whenComplete { result in
            let (handler, context) = client.value
            switch result {
            case .success(let backend):
                guard handler.stopStream != nil, context.channel.isActive else {
                    backend.close(promise: nil)
                    return
                }
                backendBox.channel = backend
                var headers = HTTPHeaders([("Host", address), ("Connection", "close"), ("User-Agent", "kube-apiserver")])
                headers.add(name: "Accept", value: "*/*")
                backend.write(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: headers)),
                              promise: nil)
                backend.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            case .failure(let error):
                handler.stopStream = nil
                handler.writeFull(context: context, head: head,
                                  response: .status(APIError.make(500, "InternalError", "Get \"http://\(address)\(uri)\": \(error)")))
            }
        }
    }
}

/// Loop-confined: the kubelet's status when it refused, and its text.
private final class RefusalBox: @unchecked Sendable {
    var status: Int?
    var text = ""
}

/// Loop-confined holder of the kubelet connection, for the client's stop closure.
private final class BackendBox: @unchecked Sendable {
    var channel: (any Channel)?
}

/// Reads the kubelet's log response and hands each part to the API server's handler.
private final class KubeletLogReader: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart

    private let onHead: (Int) -> Void
    private let onBody: (ByteBuffer) -> Void
    private let onEnd: () -> Void
    private var ended = false

    init(onHead: @escaping (Int) -> Void, onBody: @escaping (ByteBuffer) -> Void, onEnd: @escaping () -> Void) {
        self.onHead = onHead
        self.onBody = onBody
        self.onEnd = onEnd
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let response): onHead(Int(response.status.code))
        case .body(let buffer): onBody(buffer)
        case .end: end(context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        end(context)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        end(context)
    }

    private func end(_ context: ChannelHandlerContext) {
        guard !ended else { return }
        ended = true
        onEnd()
        context.close(promise: nil)
    }
}
