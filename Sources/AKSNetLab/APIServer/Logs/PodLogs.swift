import Foundation

/// Container output as the lab kubelet records it; `pods/log` reads and follows it.
public final class PodLogs: @unchecked Sendable {
    /// What a follower receives: more bytes, or the end of the log.
    public enum Chunk: Sendable { case data([UInt8]), end }

    struct Entry {
        var bytes: [UInt8] = []
        var finished = false
        var followers: [Int: @Sendable (Chunk) -> Void] = [:]
        /// How much of the runtime's log file is in `bytes`.
        var fileOffset: Int64 = 0
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

    /// Appends what the runtime's log file `path` holds past what was read of it before. The
    /// kubelet calls it on its ticks and its log endpoint before each answer, so `logs` sees what
    /// is in the file now (a real kubelet reads the file at the request).
    public func tail(namespace: String, pod: String, container: String, path: String) {
        lock.withLock {
            let key = Self.key(namespace, pod, container)
            guard entries[key]?.finished != true else { return }
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return }
            defer { close(fd) }
            var offset = entries[key]?.fileOffset ?? 0
            var added: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            for _ in 0..<256 {
                let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
                guard count > 0 else { break }
                offset += Int64(count)
                added += buffer[0..<count]
            }
            guard !added.isEmpty else { return }
            entries[key, default: Entry()].bytes += added
            entries[key]?.fileOffset = offset
            for follower in entries[key]?.followers.values ?? [:].values { follower(.data(added)) }
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
