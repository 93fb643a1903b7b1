import KubeWire
import NIOCore
import NIOHTTP1
import NIOSSL

/// Raised (and ignored by `APIRequestHandler`) when an upgrade request is not upgraded: NIO then
/// hands the request to the normal handler, which answers with the refusal (403, 400, 404…).
struct StreamUpgradeDeclined: Error {}

/// NIO's HTTP upgrade hook for `Upgrade: websocket`: authenticates, routes, and upgrades only
/// a request the router turned into a `StreamPlan`; then replaces the HTTP handlers with a
/// `WebSocketStreamHandler` running the exec/attach or port-forward session. One per connection.
final class StreamUpgrader: HTTPServerProtocolUpgrader, @unchecked Sendable {
    let supportedProtocol = "websocket"
    let requiredUpgradeHeaders: [String] = []
    let router: Router
    let authenticator: Authenticator
    let faults: FaultSwitch?
    let pending: FaultSwitch.Pending?
    private var plan: StreamPlan?

    init(router: Router, authenticator: Authenticator, faults: FaultSwitch? = nil, pending: FaultSwitch.Pending? = nil) {
        self.router = router
        self.authenticator = authenticator
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
              case .stream(let plan) = router.handle(APIRequest(head: upgradeRequest, body: [], user: user)) else {
            return channel.eventLoop.makeFailedFuture(StreamUpgradeDeclined())
        }
        self.plan = plan
        var headers = initialResponseHeaders
        headers.add(name: "Sec-WebSocket-Accept", value: WebSocketHandshake.acceptValue(forKey: plan.key))
        if !plan.subprotocol.isEmpty { headers.add(name: "Sec-WebSocket-Protocol", value: plan.subprotocol) }
        return channel.eventLoop.makeSucceededFuture(headers)
    }

    func upgrade(context: ChannelHandlerContext, upgradeRequest: HTTPRequestHead) -> EventLoopFuture<Void> {
        guard let plan else { return context.eventLoop.makeFailedFuture(StreamUpgradeDeclined()) }
        self.plan = nil
        let session: any StreamSession
        switch plan.kind {
        case .portForward where plan.subprotocol == StreamRoute.spdyTunnelProtocol: session = SPDYPortForwardSession(plan: plan)
        case .portForward: session = PortForwardSession(plan: plan)
        case .attach: session = AttachSession(plan: plan)
        case .exec: session = ExecSession(plan: plan)
        }
        let pipeline = context.pipeline.syncOperations
        do {
            if let api = try? pipeline.handler(type: APIRequestHandler.self) {
                pipeline.removeHandler(api, promise: nil)
            }
            try pipeline.addHandler(WebSocketStreamHandler(session: session, drop: faults?.current.streamDrop))
            return context.eventLoop.makeSucceededVoidFuture()
        } catch {
            return context.eventLoop.makeFailedFuture(error)
        }
    }
}
