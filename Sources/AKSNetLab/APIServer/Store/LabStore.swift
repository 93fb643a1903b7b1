import Foundation
import KubeModel

/// The lab's in-memory API storage: objects keyed by resource, namespace and name,
/// one global resourceVersion counter, a bounded event history for watches.
/// Thread-safe; the HTTP server and the lab kubelet share one instance.
public final class LabStore: @unchecked Sendable {
    struct Subscriber {
        let resource: ResourceType?
        let namespace: String?
        let options: ListOptions
        let handler: @Sendable (StoreEvent) -> Void
    }

    let lock = NSLock()
    var objects: [ResourceType: [String: JSONValue]] = [:]
    var revision: Int64 = 1
    var history: [StoreEvent] = []
    let historyLimit: Int
    /// The newest resourceVersion dropped from `history` (watches from before it get 410).
    var evictedThrough: Int64 = 0
    var subscribers: [Int: Subscriber] = [:]
    var nextSubscriberID = 1
    var nextClusterIP = 100
    var nextClusterIPv6 = 0x100
    /// Dual-stack services (`--ip-family dual`): PreferDualStack/RequireDualStack get an IPv6 too.
    var dualStack = false
    var podTerminationHook: (@Sendable (JSONValue) -> Void)?

    /// Container output the lab kubelet records; `pods/log` reads it.
    public let logs = PodLogs()

    public static let initialNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"]

    public init(historyLimit: Int = 2000) {
        self.historyLimit = historyLimit
        for namespace in Self.initialNamespaces {
            _ = try? create(.namespaces, namespace: nil, object: ["metadata": ["name": .string(namespace)]])
        }
        _ = try? create(.services, namespace: "default", object: [
            "metadata": ["name": "kubernetes", "labels": ["component": "apiserver", "provider": "kubernetes"]],
            "spec": ["clusterIP": "10.0.0.1", "ports": [["name": "https", "port": 443, "protocol": "TCP", "targetPort": 443]]],
        ])
        for namespace in Self.initialNamespaces {
            _ = try? create(.serviceAccounts, namespace: namespace, object: ["metadata": ["name": "default"]])
        }
    }

    /// The current resourceVersion (the last one handed out).
    public var currentResourceVersion: Int64 { lock.withLock { revision } }

    /// Called when a pod is deleted gracefully (it has `spec.nodeName` and a grace period > 0):
    /// the pod then carries `deletionTimestamp`, and the hook's owner (the lab kubelet)
    /// stops it and calls `finishPodDeletion`. Without a hook, pods are deleted at once.
    public func setPodTerminationHook(_ hook: (@Sendable (JSONValue) -> Void)?) {
        lock.withLock { podTerminationHook = hook }
    }

    static func key(_ namespace: String?, _ name: String) -> String { "\(namespace ?? "")/\(name)" }

    public func get(_ resource: ResourceType, namespace: String?, name: String) throws -> JSONValue {
        try lock.withLock {
            guard let object = objects[resource]?[Self.key(resource.namespaced ? namespace : nil, name)] else {
                throw APIError.notFound(resource, name)
            }
            return object
        }
    }

    /// Lists objects (all namespaces when `namespace` is nil), sorted by namespace and name.
    public func list(_ resource: ResourceType, namespace: String?, options: ListOptions = ListOptions()) throws -> ListResult {
        try lock.withLock {
            let all = (objects[resource] ?? [:]).sorted { $0.key < $1.key }
            var start: String?
            if let token = options.continueToken, !token.isEmpty {
                guard case .success(let bytes) = Base64.decode(token) else {
                    throw APIError.badRequest("continue key is not valid: illegal base64 data")
                }
                start = String(decoding: bytes, as: UTF8.self)
            }
            var items: [JSONValue] = []
            var lastKey: String?
            var remaining = 0
            for (key, object) in all {
                if let start, key <= start { continue }
                if let namespace, resource.namespaced, object.metadataNamespace != namespace { continue }
                guard options.matches(object) else { continue }
                if let limit = options.limit, limit > 0, items.count >= limit { remaining += 1; continue }
                items.append(object)
                lastKey = key
            }
            let token = remaining > 0 ? lastKey.map { Base64.encode(Array($0.utf8)) } : nil
            return ListResult(items: items, resourceVersion: String(revision), continueToken: token,
                              remainingItemCount: remaining > 0 ? remaining : nil)
        }
    }

    func namespaceExists(_ name: String) -> Bool { objects[.namespaces]?[Self.key(nil, name)] != nil }

    /// Records an event and hands it to matching subscribers. Call with the lock held.
    func publish(_ event: StoreEvent) {
        history.append(event)
        if history.count > historyLimit {
            let dropped = history.count - historyLimit
            evictedThrough = history[dropped - 1].resourceVersion
            history.removeFirst(dropped)
        }
        for subscriber in subscribers.values {
            if let translated = Self.translate(event, for: subscriber) { subscriber.handler(translated) }
        }
    }

    /// An event as one subscriber's selectors see it: an object that stops matching is DELETED for it.
    static func translate(_ event: StoreEvent, for subscriber: Subscriber) -> StoreEvent? {
        if let resource = subscriber.resource, resource != event.resource { return nil }
        func matches(_ object: JSONValue?) -> Bool {
            guard let object else { return false }
            if let namespace = subscriber.namespace, object.metadataNamespace != namespace { return false }
            return subscriber.options.matches(object)
        }
        let now = event.kind == .deleted ? false : matches(event.object)
        let before = event.kind == .added ? false : matches(event.kind == .deleted ? event.object : event.previous)
        switch (before, now) {
        case (false, false): return nil
        case (true, true): return event
        case (false, true):
            return StoreEvent(kind: .added, resource: event.resource, object: event.object, previous: nil, resourceVersion: event.resourceVersion)
        case (true, false):
            return StoreEvent(kind: .deleted, resource: event.resource, object: event.object, previous: event.previous,
                              resourceVersion: event.resourceVersion)
        }
    }

    /// Turns on IPv6 cluster IPs (from AKS's default fd12:3456:789a:1::/108) for dual-stack services.
    public func enableDualStackServices() {
        lock.withLock { dualStack = true }
    }

    func allocateClusterIPv6() -> String {
        nextClusterIPv6 += 1
        return "fd12:3456:789a:1::" + String(nextClusterIPv6, radix: 16)
    }

    func allocateClusterIP() -> String {
        nextClusterIP += 1
        return "10.0.\(nextClusterIP / 250).\(nextClusterIP % 250 + 2)"
    }
}
