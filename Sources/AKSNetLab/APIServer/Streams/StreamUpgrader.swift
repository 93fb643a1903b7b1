import Foundation
import KubeModel
import KubeWire
import NIOCore
import NIOHTTP1
import NIOSSL

/// Raised (and ignored by `APIRequestHandler`) when an upgrade request is not upgraded: NIO then
/// hands the request to the normal handler, which answers with the refusal (403, 400, 404…).
struct StreamUpgradeDeclined: Error {}

/// NIO's HTTP upgrade hook for `Upgrade: websocket`: authenticates, routes, and upgrades only
/// a request the router turned into a `StreamRequest`. Like kube-apiserver, it then passes the
/// upgrade on to the pod's node — the kubelet's streaming server on NODE_IP:10250, dialled from
/// the control plane — answers the client with the kubelet's 101, and relays the bytes both
/// ways (`StreamRelay`). The session itself runs in the kubelet. One per connection.
///
/// A kubelet's refusal (404 pod does not exist, 500 container not found) reaches the client as
/// kube-apiserver 1.30+ sends it: before the upgrade for v4 and below (the request is proxied
/// as it is), but after a 101 for a v5 exec or attach, which the API server upgrades itself
/// before it asks the kubelet over SPDY (its stream translator): a channel-3 Status, 500
/// InternalError, "Internal error occurred: unable to upgrade connection: container not found
/// (…)", then the close.
final class StreamUpgrader: HTTPServerProtocolUpgrader, @unchecked Sendable {
    let supportedProtocol = "websocket"
    let requiredUpgradeHeaders: [String] = []
    let router: Router
    let authenticator: Authenticator
    let faults: FaultSwitch?
    let pending: FaultSwitch.Pending?
    let kubelets: KubeletEndpoints
    /// The kubelet's connection once it answered 101, until the client's is upgraded too.
    private var kubelet: (channel: any Channel, handshake: KubeletHandshake)?
    /// A v5 exec/attach the kubelet refused: the Status sent after the 101 (the stream translator's).
    private var translatedRefusal: JSONValue?

    init(router: Router, authenticator: Authenticator, kubelets: KubeletEndpoints, faults: FaultSwitch? = nil,
         pending: FaultSwitch.Pending? = nil) {
        self.router = router
        self.authenticator = authenticator
        self.kubelets = kubelets
        self.faults = faults
        self.pending = pending
    }

    func buildUpgradeResponse(channel: any Channel, upgradeRequest: HTTPRequestHead,
                              initialResponseHeaders: HTTPHeaders) -> EventLoopFuture<HTTPHeaders> {
        // api-5xx/429/latency hold for upgrades too: a failure declines, and the API handler answers it.
        let decision = faults?.decide(path: String(upgradeRequest.uri.prefix { $0 != "?" })) ?? (delay: 0, failure: nil)
        pending?.put(decision)
        let answer = decision.failure != nil ? channel.eventLoop.makeFailedFuture(StreamUpgradeDeclined())
            : upgradeHeaders(channel: channel, upgradeRequest: upgradeRequest, initialResponseHeaders: initialResponseHeaders)
        guard decision.delay > 0 else { return answer }
        return channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(decision.delay * 1e9))) {}.futureResult.flatMap { answer }
    }

    private func upgradeHeaders(channel: any Channel, upgradeRequest: HTTPRequestHead,
                                initialResponseHeaders: HTTPHeaders) -> EventLoopFuture<HTTPHeaders> {
        let certificate = try? channel.pipeline.syncOperations.nioSSL_peerCertificate()
        guard let user = try? authenticator.authenticate(upgradeRequest.headers, certificateDER: try certificate?.toDERBytes()),
              case .stream(let stream) = router.handle(APIRequest(head: upgradeRequest, body: [], user: user)) else {
            return channel.eventLoop.makeFailedFuture(StreamUpgradeDeclined())
        }
        let loop = channel.eventLoop
        let node = stream.node
        let uri = KubeletURL.path(for: stream)
        let request = KubeletHandshake.request(uri: uri, host: kubelets.address(node: node), forwarding: upgradeRequest)
        let answer = loop.makePromise(of: KubeletHandshake.Answer.self)
        let handshake = NIOLoopBound(KubeletHandshake(answer: answer), eventLoop: loop)
        let bound = NIOLoopBound(self, eventLoop: loop)
        let dialed = kubelets.dial(node: node, on: loop) { backend in
            backend.eventLoop.makeCompletedFuture { try backend.pipeline.syncOperations.addHandler(handshake.value) }
        }
        // No kubelet to answer (nothing listens on the node's 10250): the answer never comes.
        dialed.whenFailure { answer.fail($0) }
        return dialed.flatMap { backend -> EventLoopFuture<HTTPHeaders> in
            // Whatever happens to the client's connection ends the kubelet's.
            channel.closeFuture.whenComplete { _ in backend.close(promise: nil) }
            var bytes = backend.allocator.buffer(capacity: request.utf8.count)
            bytes.writeString(request)
            backend.writeAndFlush(bytes, promise: nil)
            return answer.futureResult.flatMapThrowing { reply in
                guard reply.status == 101 else {
                    backend.close(promise: nil)
                    throw KubeletRefused(status: reply.status, body: String(buffer: reply.body))
                }
                bound.value.kubelet = (backend, handshake.value)
                var headers = initialResponseHeaders
                for name in ["Sec-WebSocket-Accept", "Sec-WebSocket-Protocol"] {
                    if let value = reply.header(name) { headers.add(name: name, value: value) }
                }
                return headers
            }
        }.flatMapErrorThrowing { error in
            if let refused = error as? KubeletRefused, Self.translates(stream) {
                bound.value.translatedRefusal = Self.translatedStatus(refused)
                var headers = initialResponseHeaders
                headers.add(name: "Sec-WebSocket-Accept", value: WebSocketHandshake.acceptValue(forKey: stream.key))
                headers.add(name: "Sec-WebSocket-Protocol", value: stream.subprotocol)
                return headers
            }
            // The handler answers a declined upgrade: here with kube-apiserver's words for a kubelet it could not use.
            bound.value.pending?.put((delay: 0, failure: Self.failure(error)))
            throw StreamUpgradeDeclined()
        }
    }

    /// kube-apiserver's answer when the kubelet cannot be reached or refuses the upgrade.
    static func failure(_ error: any Error) -> FaultSwitch.Failure {
        if let refused = error as? KubeletRefused {
            let text = refused.body.trimmingCharacters(in: .whitespacesAndNewlines)
            let reason = refused.status == 404 ? "NotFound" : (refused.status >= 500 ? "InternalError" : "BadRequest")
            return FaultSwitch.Failure(error: APIError.make(refused.status >= 500 ? 500 : refused.status, reason, text), headers: [])
        }
        return FaultSwitch.Failure(error: APIError.make(500, "InternalError", "\(error)"), headers: [])
    }

    /// kube-apiserver translates (upgrades first, asks the kubelet after) v5 exec and attach only.
    static func translates(_ stream: StreamRequest) -> Bool {
        stream.kind != .portForward && stream.subprotocol == "v5.channel.k8s.io"
    }

    /// `apierrors.NewInternalError` of client-go's SPDY error for the kubelet's plain-text refusal.
    static func translatedStatus(_ refused: KubeletRefused) -> JSONValue {
        let inner = "unable to upgrade connection: " + refused.body.trimmingCharacters(in: .whitespacesAndNewlines)
        return ["metadata": [:], "status": "Failure", "message": .string("Internal error occurred: " + inner),
                "reason": "InternalError", "details": ["causes": [["message": .string(inner)]]], "code": 500]
    }

    func upgrade(context: ChannelHandlerContext, upgradeRequest: HTTPRequestHead) -> EventLoopFuture<Void> {
        if let status = translatedRefusal {
            translatedRefusal = nil
            if let api = try? context.pipeline.syncOperations.handler(type: APIRequestHandler.self) {
                context.pipeline.syncOperations.removeHandler(api, promise: nil)
            }
            let frames = WebSocketFrame(opcode: .binary, payload: [ExecChannel.error.rawValue] + Array(status.serialized().utf8))
                .encoded(maskKey: nil) + WebSocketFrame.close(code: 1000).encoded(maskKey: nil)
            let channel = context.channel
            return channel.writeAndFlush(channel.allocator.buffer(bytes: frames)).always { _ in channel.close(promise: nil) }
        }
        guard let kubelet else { return context.eventLoop.makeFailedFuture(StreamUpgradeDeclined()) }
        self.kubelet = nil
        let relays = StreamRelay.pair(drop: faults?.current.streamDrop)
        let pipeline = context.pipeline.syncOperations
        do {
            if let api = try? pipeline.handler(type: APIRequestHandler.self) {
                pipeline.removeHandler(api, promise: nil)
            }
            _ = context.channel.setOption(ChannelOptions.writeBufferWaterMark, value: StreamRelay.waterMark)
            try pipeline.addHandler(relays.client)
            // Same event loop: the kubelet's connection was made on the client's loop.
            let backend = kubelet.channel.pipeline.syncOperations
            try backend.addHandler(relays.kubelet)
            backend.removeHandler(kubelet.handshake, promise: nil)
            return context.eventLoop.makeSucceededVoidFuture()
        } catch {
            kubelet.channel.close(promise: nil)
            return context.eventLoop.makeFailedFuture(error)
        }
    }
}

/// The kubelet answered the upgrade with something else than 101.
struct KubeletRefused: Error {
    var status: Int
    var body: String
}
