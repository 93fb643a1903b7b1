#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Bytes read from a child but not yet written to the client's socket: a reader thread waits
/// while too much is in flight, so the child is never read faster than the socket drains.
final class OutputCredit: @unchecked Sendable {
    private let condition = NSCondition()
    private var inFlight = 0
    private var cancelled = false
    let limit: Int

    init(limit: Int = 2 << 20) { self.limit = limit }

    /// Takes `count` bytes of credit; false once the client is gone (the data is dropped).
    func acquire(_ count: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while inFlight >= limit && !cancelled { condition.wait() }
        if cancelled { return false }
        inFlight += count
        return true
    }

    func release(_ count: Int) {
        condition.lock()
        inFlight -= count
        condition.broadcast()
        condition.unlock()
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
