import KubeModel
import NIOCore
import NIOHTTP1

/// A container's log as the kubelet serves it (`/containerLogs/…`, and `pods/log` of a pod no
/// node runs): the recorded output (`tailLines`, `limitBytes`), and with `follow=true` the rest
/// as it comes, until the container's log is finished.
enum LogStreamer {
    static func start(_ plan: LogPlan, logs: PodLogs, handler: any ChunkedResponder, context: ChannelHandlerContext,
                      head: HTTPRequestHead) {
        let loop = context.eventLoop
        let bound = NIOLoopBound((handler, context), eventLoop: loop)
        let keepAlive = head.isKeepAlive
        guard plan.follow else {
            let bytes = trim(logs.read(namespace: plan.namespace, pod: plan.pod, container: plan.container).bytes, plan)
            handler.writeStreamHead(context: context, head: head, contentType: "text/plain")
            handler.writeChunk(context: context, bytes)
            handler.finish(context: context, keepAlive: keepAlive)
            return
        }
        handler.writeStreamHead(context: context, head: head, contentType: "text/plain")
        let follower = logs.follow(namespace: plan.namespace, pod: plan.pod, container: plan.container) { chunk in
            loop.execute {
                let (handler, context) = bound.value
                switch chunk {
                case .data(let bytes): handler.writeChunk(context: context, bytes)
                case .end: handler.endStream(context: context, keepAlive: keepAlive)
                }
            }
        }
        handler.writeChunk(context: context, trim(follower.snapshot, plan))
        handler.stopStream = follower.cancel
        if follower.finished { handler.endStream(context: context, keepAlive: keepAlive) }
    }

    static func trim(_ bytes: [UInt8], _ plan: LogPlan) -> [UInt8] {
        var out = bytes
        if let tail = plan.tailLines, tail >= 0 {
            var lines = out.split(separator: 0x0A, omittingEmptySubsequences: false)
            if lines.last?.isEmpty == true { lines.removeLast() }
            out = lines.suffix(tail).flatMap { Array($0) + [0x0A] }
        }
        if let limit = plan.limitBytes, limit >= 0, out.count > limit { out = Array(out.prefix(limit)) }
        return out
    }
}
