import Dispatch
import KubeConfig
import KubeModel
import Synchronization

/// Watches that survive: a stream the server closes is resumed from the last
/// resourceVersion seen (bookmarks included); `410 Gone` (an ERROR event or
/// the HTTP status) triggers a relist whose items arrive as ADDED events.
extension KubeClient {
    public enum WatchDecision: Sendable { case `continue`, stop }

    /// Blocks until `handler` says stop, `isCancelled` turns true, or the
    /// watch fails `maxConsecutiveFailures` times in a row.
    public func watch(_ resource: ResourcePath, resourceVersion: String? = nil, labelSelector: String? = nil,
                      fieldSelector: String? = nil, maxConsecutiveFailures: Int = 5,
                      isCancelled: @escaping @Sendable () -> Bool = { false },
                      handler: @escaping (WatchEvent) -> WatchDecision) throws(KubeError) {
        var version = resourceVersion ?? ""
        var failures = 0
        if version.isEmpty {
            version = try relist(resource, labelSelector: labelSelector, fieldSelector: fieldSelector, handler: handler) ?? ""
            if version.isEmpty { return }
        }
        while !isCancelled() {
            var query: [(String, String)] = [("watch", "true"), ("allowWatchBookmarks", "true"), ("resourceVersion", version)]
            if let labelSelector, !labelSelector.isEmpty { query.append(("labelSelector", labelSelector)) }
            if let fieldSelector, !fieldSelector.isEmpty { query.append(("fieldSelector", fieldSelector)) }
            let request = HTTPRequest(path: resource.path + "?" + URLEncoding.queryString(query), isStream: true)
            var splitter = LineSplitter()
            var stopped = false
            var gone = false
            var received = 0
            let response: HTTPResponse
            do {
                response = try transport.stream(request, onData: { bytes in
                    for line in splitter.push(bytes) {
                        guard let json = try? JSONValue.parse(line), let event = WatchEvent(json: json) else { continue }
                        received += 1
                        if event.type == .error {
                            if Status(json: event.object)?.code == 410 { gone = true; return false }
                            if handler(event) == .stop { stopped = true; return false }
                            continue
                        }
                        if let rv = event.resourceVersion, !rv.isEmpty { version = rv }
                        if handler(event) == .stop { stopped = true; return false }
                    }
                    return !isCancelled()
                }, isCancelled: isCancelled)
            } catch {
                if error.kind == .cancelled { return }
                failures += 1
                if Log.enabled(6) { Log.write("watch \(resource.path) dropped: \(error); resuming from \(version)") }
                if failures >= maxConsecutiveFailures { throw error }
                sleepSeconds(transport.retry.backoff(attempt: failures))
                continue
            }
            if stopped || isCancelled() { return }
            if response.status == 410 { gone = true } else if !response.isSuccess {
                let error = KubeError.fromResponse(code: response.status, body: response.body, server: config.server)
                failures += 1
                guard response.status == 429 || response.status >= 500, failures < maxConsecutiveFailures else { throw error }
                sleepSeconds(transport.retry.wait(attempt: failures, retryAfter: response.header("Retry-After")))
                continue
            }
            if gone {
                if Log.enabled(6) { Log.write("watch \(resource.path): resourceVersion \(version) is too old, relisting") }
                guard let fresh = try relist(resource, labelSelector: labelSelector, fieldSelector: fieldSelector, handler: handler) else { return }
                version = fresh
                failures = 0
                continue
            }
            if received > 0 { failures = 0 }
        }
    }

    /// Lists and hands each item to the handler as ADDED; nil when the handler stopped.
    private func relist(_ resource: ResourcePath, labelSelector: String?, fieldSelector: String?,
                        handler: (WatchEvent) -> WatchDecision) throws(KubeError) -> String? {
        let (items, version) = try list(resource, labelSelector: labelSelector, fieldSelector: fieldSelector)
        for item in items where handler(WatchEvent(type: .added, object: item)) == .stop { return nil }
        return version
    }

    /// The same watch as an async sequence; cancelling the consuming task stops it.
    public func watchEvents(_ resource: ResourcePath, resourceVersion: String? = nil,
                            labelSelector: String? = nil) -> AsyncThrowingStream<WatchEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<WatchEvent, any Error>.makeStream()
        let cancelled = Atomic<Bool>(false)
        let flag = UnsafeSendableBox(cancelled)
        continuation.onTermination = { _ in flag.value.store(true, ordering: .relaxed) }
        DispatchQueue.global().async {
            do {
                try self.watch(resource, resourceVersion: resourceVersion, labelSelector: labelSelector,
                               isCancelled: { flag.value.load(ordering: .relaxed) }) { event in
                    continuation.yield(event)
                    return .continue
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        return stream
    }
}

/// Atomic is not copyable; the box shares one between the closures above.
final class UnsafeSendableBox: Sendable {
    let value: Atomic<Bool>
    init(_ value: consuming Atomic<Bool>) { self.value = value }
}

/// Splits a byte stream into lines (watch events are newline-delimited JSON).
public struct LineSplitter {
    private var buffer: [UInt8] = []
    public init() {}

    public mutating func push(_ bytes: [UInt8]) -> [[UInt8]] {
        buffer += bytes
        var lines: [[UInt8]] = []
        var start = 0
        for (i, byte) in buffer.enumerated() where byte == 0x0A {
            if i > start { lines.append(Array(buffer[start..<i])) }
            start = i + 1
        }
        buffer.removeFirst(start)
        return lines
    }
}
