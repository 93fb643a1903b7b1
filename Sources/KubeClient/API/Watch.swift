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
    /// watch keeps failing: a 429/5xx or a dropped connection is retried by
    /// `RetryDecision`'s rule for a GET (Retry-After honoured, else back-off),
    /// waiting no longer than `isCancelled` allows; `maxConsecutiveFailures`
    /// caps the attempts in a row further when given.
    public func watch(_ resource: ResourcePath, resourceVersion: String? = nil, labelSelector: String? = nil,
                      fieldSelector: String? = nil, maxConsecutiveFailures: Int? = nil,
                      isCancelled: @escaping @Sendable () -> Bool = { false },
                      handler: @escaping (WatchEvent) -> WatchDecision) throws(KubeError) {
        var version = resourceVersion ?? ""
        var failures = 0
        var failingSince = 0.0
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
            let result = try transport.streamAttempt(request, onData: { bytes in
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
            if stopped || isCancelled() { return }
            // Events arrived: whatever ends this stream starts a new run of failures.
            if received > 0 { failures = 0 }
            let outcome: AttemptOutcome
            let error: KubeError
            switch result {
            case .failed(let failure, let how):
                if failure.kind == .cancelled { return }
                outcome = how
                error = failure
            case .answered(let response) where response.status == 410 || gone:
                if Log.enabled(6) { Log.write("watch \(resource.path): resourceVersion \(version) is too old, relisting") }
                guard let fresh = try relist(resource, labelSelector: labelSelector, fieldSelector: fieldSelector, handler: handler) else { return }
                version = fresh
                failures = 0
                continue
            case .answered(let response) where response.isSuccess:
                continue  // the server ended the stream (its timeout): resume from `version`
            case .answered(let response):
                outcome = .answered(status: response.status, retryAfter: RetryAfter.seconds(response.header("Retry-After")))
                error = KubeError.fromResponse(code: response.status, body: response.body, server: config.server)
            }
            if failures == 0 { failingSince = monotonicSeconds() }
            failures += 1
            if let maxConsecutiveFailures, failures >= maxConsecutiveFailures { throw error }
            let decision = RetryDecision.decide(.idempotent, attempt: failures, outcome: outcome,
                                                elapsed: monotonicSeconds() - failingSince, policy: transport.retry,
                                                jitter: Double.random(in: 0.8...1.2))
            guard case .retry(let wait) = decision else { throw error }
            if Log.enabled(6) {
                Log.write("watch \(resource.path) \(error.httpStatus.map { "answered \($0)" } ?? "dropped: \(error.message)"): resuming from \(version) in \(RetryLog.duration(wait)) (retry \(failures)/\(RetryDecision.limit(outcome, policy: transport.retry)))")
            }
            if !Self.sleep(wait, unless: isCancelled) { return }
        }
    }

    /// Sleeps in short slices so that a cancelled watch stops waiting at once; false if cancelled.
    static func sleep(_ seconds: Double, unless isCancelled: () -> Bool) -> Bool {
        let end = monotonicSeconds() + seconds
        while !isCancelled() {
            let left = end - monotonicSeconds()
            if left <= 0 { return true }
            sleepSeconds(min(left, 0.1))
        }
        return false
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
