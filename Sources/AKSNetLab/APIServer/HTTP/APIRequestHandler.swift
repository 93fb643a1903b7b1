import KubeModel
import NIOCore
import NIOHTTP1
import NIOSSL

/// Collects one HTTP request, authenticates it, asks the router, writes the answer
/// (a full response, or a chunked watch or log stream).
final class APIRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let router: Router
    let authenticator: Authenticator
    /// Where `pods/log` reads a scheduled pod's logs: its node's kubelet.
    let kubelets: KubeletEndpoints?
    let faults: FaultSwitch?
    /// The upgrade hook's fault decision for a declined exec/port-forward request.
    let pending: FaultSwitch.Pending?
    var head: HTTPRequestHead?
    var body: [UInt8] = []
    /// Stops the running stream (subscription, timers); nil when none runs.
    var stopStream: (() -> Void)?

    init(router: Router, authenticator: Authenticator, kubelets: KubeletEndpoints? = nil, faults: FaultSwitch? = nil,
         pending: FaultSwitch.Pending? = nil) {
        self.router = router
        self.authenticator = authenticator
        self.kubelets = kubelets
        self.faults = faults
        self.pending = pending
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body = []
        case .body(var buffer):
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let requestHead = head else { return }
            head = nil
            let decision = pending?.take().map { (delay: 0.0, failure: $0.failure) }
                ?? faults?.decide(path: String(requestHead.uri.prefix { $0 != "?" })) ?? (delay: 0, failure: nil)
            guard decision.delay > 0 else {
                respondOrFail(context: context, head: requestHead, failure: decision.failure)
                return
            }
            // api-latency: answer later; the request's body is kept for then.
            let kept = body
            body = []
            let loop = context.eventLoop
            let boundContext = NIOLoopBound(context, eventLoop: loop)
            let boundSelf = NIOLoopBound(self, eventLoop: loop)
            loop.scheduleTask(in: .nanoseconds(Int64(decision.delay * 1e9))) {
                let context = boundContext.value
                guard context.channel.isActive else { return }
                boundSelf.value.body = kept
                boundSelf.value.respondOrFail(context: context, head: requestHead, failure: decision.failure)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopStream?()
        stopStream = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is StreamUpgradeDeclined { return }  // NIO passes the request on; it is answered normally
        stopStream?()
        stopStream = nil
        context.close(promise: nil)
    }

    /// An injected failure (api-5xx, api-429) answers in place of the router.
    func respondOrFail(context: ChannelHandlerContext, head: HTTPRequestHead, failure: FaultSwitch.Failure?) {
        guard let failure else {
            respond(context: context, head: head)
            return
        }
        body = []
        writeFull(context: context, head: head, response: .status(failure.error), extraHeaders: failure.headers)
    }

    func respond(context: ChannelHandlerContext, head: HTTPRequestHead) {
        let certificate = try? context.pipeline.syncOperations.nioSSL_peerCertificate()
        let user: LabUser
        do {
            user = try authenticator.authenticate(head.headers, certificateDER: try certificate?.toDERBytes())
        } catch let error as APIError {
            writeFull(context: context, head: head, response: .status(error))
            return
        } catch {
            writeFull(context: context, head: head, response: .status(.internalError("\(error)")))
            return
        }
        let request = APIRequest(head: head, body: body, user: user)
        body = []
        let response = router.handle(request)
        AcceptedPods.record(request, response)
        switch response {
        case .watch(let plan): WatchStreamer.start(plan, store: router.store, handler: self, context: context, head: head)
        case .logs(let plan):
            if let kubelets, let node = plan.node, kubelets.host(node: node) != nil {
                KubeletLogProxy.start(plan, node: node, kubelets: kubelets, handler: self, context: context, head: head)
            } else {
                // Not scheduled yet (or no kubelet): what the store holds, as before the pod reached a node.
                LogStreamer.start(plan, logs: router.store.logs, handler: self, context: context, head: head)
            }
        case .stream: writeFull(context: context, head: head, response: .status(.badRequest("Upgrade request required")))
        default: writeFull(context: context, head: head, response: response)
        }
    }

    func writeFull(context: ChannelHandlerContext, head: HTTPRequestHead, response: APIResponse, extraHeaders: [(String, String)] = []) {
        let status: HTTPResponseStatus
        let bytes: [UInt8]
        var headers = HTTPHeaders()
        switch response {
        case .json(let code, let value):
            status = code
            bytes = Array(value.serialized().utf8) + [0x0A]
            headers.add(name: "Content-Type", value: "application/json")
        case .text(let code, let text):
            status = code
            bytes = Array(text.utf8)
            headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        case .empty(let code):
            status = code
            bytes = []
        case .watch, .logs, .stream:
            return
        }
        headers.add(name: "Content-Length", value: String(bytes.count))
        headers.add(name: "Cache-Control", value: "no-cache, private")
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        if !head.isKeepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if head.method != .HEAD {
            var buffer = context.channel.allocator.buffer(capacity: bytes.count)
            buffer.writeBytes(bytes)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        finish(context: context, keepAlive: head.isKeepAlive)
    }
}

extension APIRequestHandler: ChunkedResponder {}
