import KubeModel

extension LabStore {
    /// Subscribes to changes of one resource (or all when nil), optionally in one namespace and
    /// filtered by selectors. `resourceVersion` nil or "0" first delivers every current object
    /// as ADDED; a number replays the history after it (410 Expired when it is too old).
    /// Events are delivered in order, synchronously on the writer's thread: hop elsewhere for slow work.
    public func subscribe(_ resource: ResourceType?, namespace: String? = nil, options: ListOptions = ListOptions(),
                          resourceVersion: String? = nil,
                          handler: @escaping @Sendable (StoreEvent) -> Void) throws -> StoreSubscription {
        try lock.withLock {
            let subscriber = Subscriber(resource: resource, namespace: namespace, options: options, handler: handler)
            if let text = resourceVersion, !text.isEmpty, text != "0" {
                guard let since = Int64(text) else {
                    throw APIError.badRequest("invalid value for resourceVersion: \(text)")
                }
                if since < evictedThrough {
                    throw APIError.expired("too old resource version: \(since) (\(evictedThrough + 1))")
                }
                for event in history where event.resourceVersion > since {
                    if let translated = Self.translate(event, for: subscriber) { handler(translated) }
                }
            } else {
                let types = resource.map { [$0] } ?? ResourceType.all
                for type in types {
                    for (_, object) in (objects[type] ?? [:]).sorted(by: { $0.key < $1.key }) {
                        if let namespace, object.metadataNamespace != namespace { continue }
                        guard options.matches(object) else { continue }
                        handler(StoreEvent(kind: .added, resource: type, object: object, previous: nil,
                                           resourceVersion: Int64(object.resourceVersion ?? "") ?? revision))
                    }
                }
            }
            let id = nextSubscriberID
            nextSubscriberID += 1
            subscribers[id] = subscriber
            return StoreSubscription(id: id) { [weak self] id in
                guard let self else { return }
                self.lock.withLock { _ = self.subscribers.removeValue(forKey: id) }
            }
        }
    }

    /// The same as `subscribe`, as an AsyncStream; the subscription ends with the stream.
    public func events(_ resource: ResourceType?, namespace: String? = nil, options: ListOptions = ListOptions(),
                       resourceVersion: String? = nil) throws -> AsyncStream<StoreEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: StoreEvent.self, bufferingPolicy: .unbounded)
        let subscription = try subscribe(resource, namespace: namespace, options: options, resourceVersion: resourceVersion) {
            continuation.yield($0)
        }
        continuation.onTermination = { _ in subscription.cancel() }
        return stream
    }
}
