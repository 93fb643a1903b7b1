import KubeModel
import NIOCore
import NIOHTTP1

/// A watch response: one JSON event per line, from the store's subscription, until the
/// timeout or the client goes away.
enum WatchStreamer {
    static func start(_ plan: WatchPlan, store: LabStore, handler: APIRequestHandler, context: ChannelHandlerContext,
                      head: HTTPRequestHead) {
        handler.writeStreamHead(context: context, head: head, contentType: "application/json")
        let loop = context.eventLoop
        let bound = NIOLoopBound((handler, context), eventLoop: loop)
        let state = NIOLoopBoundBox(false, eventLoop: loop)  // columns sent (Table watches)
        let keepAlive = head.isKeepAlive

        let send: @Sendable (String, JSONValue) -> Void = { type, object in
            let (handler, context) = bound.value
            var payload = object
            if plan.table, type != "ERROR", type != "BOOKMARK" {
                payload = TableRenderer.table(plan.resource, [object], resourceVersion: object.resourceVersion,
                                              includeObject: plan.includeObject, withColumns: !state.value)
                state.value = true
            }
            let line: JSONValue = ["type": .string(type), "object": payload]
            handler.writeChunk(context: context, Array(line.serialized().utf8) + [0x0A])
        }

        let subscription: StoreSubscription
        do {
            subscription = try store.subscribe(plan.resource, namespace: plan.namespace, options: plan.options,
                                               resourceVersion: plan.resourceVersion) { event in
                loop.execute { send(event.kind.rawValue, event.object) }
            }
        } catch {
            let apiError = error as? APIError ?? .internalError("\(error)")
            send("ERROR", apiError.status.json)
            handler.stopStream = {}
            handler.endStream(context: context, keepAlive: keepAlive)
            return
        }
        let seconds = plan.timeoutSeconds.flatMap { $0 > 0 ? $0 : nil } ?? Int64.random(in: 1800...3600)
        let timeout = loop.scheduleTask(in: .seconds(seconds)) {
            let (handler, context) = bound.value
            handler.endStream(context: context, keepAlive: keepAlive)
        }
        var bookmarks: RepeatedTask?
        if plan.bookmarks, !plan.table {
            bookmarks = loop.scheduleRepeatedTask(initialDelay: .seconds(10), delay: .seconds(10)) { _ in
                let object: JSONValue = ["kind": .string(plan.resource.kind), "apiVersion": .string(plan.resource.apiVersion),
                                         "metadata": ["resourceVersion": .string(String(store.currentResourceVersion))]]
                send("BOOKMARK", object)
            }
        }
        let repeating = bookmarks
        handler.stopStream = {
            subscription.cancel()
            timeout.cancel()
            repeating?.cancel()
        }
    }
}
