#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The I/O of a container's main process, kept by the kubelet for `attach` (as containerd's
/// shim keeps it): for `stdin: true` containers a pipe into its stdin, for `tty: true` its
/// pty master; its output as it comes, to whoever is attached (and always to the log file).
/// Thread-safe; handlers run on the reader threads and must hop elsewhere for slow work.
public final class ContainerIO: @unchecked Sendable, Equatable {
    public typealias Output = @Sendable (_ channel: UInt8, _ bytes: [UInt8]) -> Void
    public typealias End = @Sendable () -> Void

    public let tty: Bool
    public let stdinOnce: Bool
    private let lock = NSLock()
    private var input: Int32
    private var subscribers: [Int: (output: Output, end: End)] = [:]
    private var nextID = 0
    private var ended = false

    /// `input` is written to (the pipe's write end, or the pty master); -1 without stdin.
    init(tty: Bool, stdinOnce: Bool, input: Int32) {
        self.tty = tty
        self.stdinOnce = stdinOnce
        self.input = input
    }

    public static func == (a: ContainerIO, b: ContainerIO) -> Bool { a === b }

    /// True once every output pipe reached EOF and all of it is in the log file.
    public var hasEnded: Bool { lock.withLock { ended } }

    /// Follows the output from now on; `end` runs once when the process has gone (at once if it has).
    public func subscribe(output: @escaping Output, end: @escaping End) -> Int? {
        let id: Int? = lock.withLock {
            guard !ended else { return nil }
            nextID += 1
            subscribers[nextID] = (output, end)
            return nextID
        }
        if id == nil { end() }
        return id
    }

    public func unsubscribe(_ id: Int) {
        lock.withLock { _ = subscribers.removeValue(forKey: id) }
    }

    /// Writes to the container's stdin (blocking while its pipe is full); false once closed.
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool {
        let fd = lock.withLock { input }
        guard fd >= 0 else { return false }
        return StreamFD.writeAll(fd, bytes)
    }

    /// EOF on the container's stdin (not for a tty: its master also carries the output).
    public func closeStdin() {
        lock.withLock {
            guard input >= 0, !tty else { return }
            close(input)
            input = -1
        }
    }

    public func resize(width: Int, height: Int) {
        let fd = lock.withLock { tty ? input : -1 }
        if fd >= 0 { StreamFD.setWindowSize(fd, width: width, height: height) }
    }

    func publish(channel: UInt8, _ bytes: [UInt8]) {
        let handlers = lock.withLock { subscribers.values.map(\.output) }
        for handler in handlers { handler(channel, bytes) }
    }

    /// The process's output has ended: tell every subscriber, close stdin.
    func finish() {
        let handlers: [End] = lock.withLock {
            guard !ended else { return [] }
            ended = true
            if input >= 0 { close(input) }
            input = -1
            defer { subscribers = [:] }
            return subscribers.values.map(\.end)
        }
        for handler in handlers { handler() }
    }
}
