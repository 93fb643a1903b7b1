import KubeWire
import NIOCore
import NIOHTTP1

/// The lab kubelet's `Upgrade: websocket` hook: upgrades exec/attach/port-forward requests the
/// API server passed on, and runs the session (the child processes) behind a
/// `WebSocketStreamHandler`. Refusals fall through to `KubeletRequestHandler`. One per connection.
final class KubeletStreamUpgrader: HTTPServerProtocolUpgrader, @unchecked Sendable {
    let supportedProtocol = "websocket"
    let requiredUpgradeHeaders: [String] = []
    let route: KubeletStreamRoute
    private var plan: StreamPlan?

    init(route: KubeletStreamRoute) { self.route = route }

    func buildUpgradeResponse(channel: any Channel, upgradeRequest: HTTPRequestHead,
                              initialResponseHeaders: HTTPHeaders) -> EventLoopFuture<HTTPHeaders> {
        guard case .success(let plan) = route.plan(upgradeRequest) else {
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
            if let handler = try? pipeline.handler(type: KubeletRequestHandler.self) {
                pipeline.removeHandler(handler, promise: nil)
            }
            // The API server applies `stream-drop` to what its client sees; the kubelet never cuts.
            try pipeline.addHandler(WebSocketStreamHandler(session: session, drop: nil))
            return context.eventLoop.makeSucceededVoidFuture()
        } catch {
            return context.eventLoop.makeFailedFuture(error)
        }
    }
}
