import KubeModel
import NIOCore
import NIOHTTP1

/// The lab kubelet's plain HTTP requests: `/containerLogs/NS/POD/CONTAINER` (chunked, followed
/// with `follow=true`), `/healthz`, and the refusal of an exec/attach/port-forward request that
/// was not upgraded.
final class KubeletRequestHandler: ChannelInboundHandler, RemovableChannelHandler, ChunkedResponder {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let route: KubeletStreamRoute
    let store: LabStore
    var stopStream: (() -> Void)?
    private var head: HTTPRequestHead?

    init(route: KubeletStreamRoute, store: LabStore) {
        self.route = route
        self.store = store
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead): head = requestHead
        case .body: break
        case .end:
            guard let requestHead = head else { return }
            head = nil
            respond(context: context, head: requestHead)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopStream?()
        stopStream = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is StreamUpgradeDeclined { return }
        stopStream?()
        stopStream = nil
        context.close(promise: nil)
    }

    private func respond(context: ChannelHandlerContext, head: HTTPRequestHead) {
        if head.uri == "/healthz" { return write(context: context, head: head, .text(.ok, "ok")) }
        switch KubeletURL.parse(head.uri) {
        case .logs(let namespace, let pod, let container, let follow, let tailLines, let limitBytes)?:
            guard hostsPod(namespace, pod) else { return write(context: context, head: head, .text(.notFound, "pod does not exist\n")) }
            let plan = LogPlan(namespace: namespace, pod: pod, container: container, follow: follow,
                               tailLines: tailLines, limitBytes: limitBytes)
            // What the container wrote until now, not only until the kubelet's last tick.
            if let path = route.logPath(namespace, pod, container) {
                store.logs.tail(namespace: namespace, pod: pod, container: container, path: path)
            }
            LogStreamer.start(plan, logs: store.logs, handler: self, context: context, head: head)
        case .some:
            // An exec/attach/port-forward the upgrader declined: its refusal.
            let refusal: APIResponse
            switch route.plan(head) {
            case .failure(let why): refusal = why.response
            case .success: refusal = .text(.badRequest, "Upgrade request required\n")
            }
            write(context: context, head: head, refusal)
        case nil:
            write(context: context, head: head, .text(.notFound, "404 page not found\n"))
        }
    }

    /// Whether the pod is bound to this node (logs outlive the running sandbox, as files do).
    private func hostsPod(_ namespace: String, _ pod: String) -> Bool {
        guard let node = route.node else { return true }
        guard let object = try? store.get(.pods, namespace: namespace, name: pod) else { return false }
        return object["spec"]?["nodeName"]?.stringValue == node
    }

    private func write(context: ChannelHandlerContext, head: HTTPRequestHead, _ response: APIResponse) {
        var status = HTTPResponseStatus.ok
        var bytes: [UInt8] = []
        var headers = HTTPHeaders()
        switch response {
        case .text(let code, let text):
            status = code
            bytes = Array(text.utf8)
            headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        case .empty(let code):
            status = code
        case .json(let code, let value):
            status = code
            bytes = Array(value.serialized().utf8)
            headers.add(name: "Content-Type", value: "application/json")
        case .watch, .logs, .stream:
            break
        }
        headers.add(name: "Content-Length", value: String(bytes.count))
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        finish(context: context, keepAlive: head.isKeepAlive)
    }
}
