import Foundation

/// Container output as the lab kubelet records it; `pods/log` reads and follows it.
public final class PodLogs: @unchecked Sendable {
    /// What a follower receives: more bytes, or the end of the log.
    public enum Chunk: Sendable { case data([UInt8]), end }

    struct Entry {
        var bytes: [UInt8] = []
        var finished = false
        var followers: [Int: @Sendable (Chunk) -> Void] = [:]
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    private var nextFollower = 1

    init() {}

    static func key(_ namespace: String, _ pod: String, _ container: String) -> String { "\(namespace)/\(pod)/\(container)" }

    /// Appends output of one container (stdout and stderr interleaved, as the runtime saw them).
    public func append(namespace: String, pod: String, container: String, _ bytes: [UInt8]) {
        lock.withLock {
            let key = Self.key(namespace, pod, container)
            entries[key, default: Entry()].bytes += bytes
            for follower in entries[key]?.followers.values ?? [:].values { follower(.data(bytes)) }
        }
    }

    public func append(namespace: String, pod: String, container: String, _ text: String) {
        append(namespace: namespace, pod: pod, container: container, Array(text.utf8))
    }

    /// Marks the container's output complete: `follow=true` readers get the end of the stream.
    public func finish(namespace: String, pod: String, container: String) {
        lock.withLock {
            let key = Self.key(namespace, pod, container)
            entries[key, default: Entry()].finished = true
            for follower in entries[key]?.followers.values ?? [:].values { follower(.end) }
            entries[key]?.followers = [:]
        }
    }

    /// Everything recorded so far and whether the container is done.
    public func read(namespace: String, pod: String, container: String) -> (bytes: [UInt8], finished: Bool) {
        lock.withLock {
            let entry = entries[Self.key(namespace, pod, container)] ?? Entry()
            return (entry.bytes, entry.finished)
        }
    }

    /// Takes a snapshot and registers a follower atomically; the returned closure unregisters it.
    func follow(namespace: String, pod: String, container: String,
                handler: @escaping @Sendable (Chunk) -> Void) -> (snapshot: [UInt8], finished: Bool, cancel: @Sendable () -> Void) {
        lock.withLock {
            let key = Self.key(namespace, pod, container)
            let entry = entries[key] ?? Entry()
            if entry.finished { return (entry.bytes, true, {}) }
            let id = nextFollower
            nextFollower += 1
            entries[key, default: Entry()].followers[id] = handler
            return (entry.bytes, false, { [weak self] in
                guard let self else { return }
                self.lock.withLock { _ = self.entries[key]?.followers.removeValue(forKey: id) }
            })
        }
    }

    /// Drops a deleted pod's logs (ending any follower).
    func forget(namespace: String, pod: String) {
        lock.withLock {
            let prefix = "\(namespace)/\(pod)/"
            for key in entries.keys where key.hasPrefix(prefix) {
                for follower in entries[key]?.followers.values ?? [:].values { follower(.end) }
                entries[key] = nil
            }
        }
    }
}
