#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Client bytes for a child's stdin (or a relay's), written by a thread of its own so the
/// event loop never blocks; `onLow` runs (on any thread) when a full queue has drained.
final class InputPump: @unchecked Sendable {
    private let condition = NSCondition()
    private var chunks: [[UInt8]] = []
    private var queued = 0
    private var ended = false
    private var abandoned = false
    private var wasHigh = false
    static let high = 4 << 20
    static let low = 1 << 20

    /// `fd` is owned by the pump. `endByte`: written at EOF instead of closing (^D on a tty).
    init(fd: Int32, name: String, endByte: UInt8? = nil, onLow: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            var failed = false
            while true {
                condition.lock()
                while chunks.isEmpty && !ended && !abandoned { condition.wait() }
                if abandoned || (chunks.isEmpty && ended) {
                    condition.unlock()
                    break
                }
                let chunk = chunks.removeFirst()
                condition.unlock()
                if !failed, !StreamFD.writeAll(fd, chunk) { failed = true }
                condition.lock()
                queued -= chunk.count
                let notify = wasHigh && queued <= Self.low
                if notify { wasHigh = false }
                condition.unlock()
                if notify { onLow() }
            }
            condition.lock()
            let sendEnd = ended && !abandoned
            condition.unlock()
            if sendEnd, !failed, let endByte { _ = StreamFD.writeAll(fd, [endByte]) }
            close(fd)
        }
        thread.name = name
        thread.start()
    }

    /// Queues data; true when the queue is now above the high mark (stop reading the client).
    @discardableResult
    func push(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty else { return false }
        condition.lock()
        defer { condition.unlock() }
        guard !ended, !abandoned else { return false }
        chunks.append(bytes)
        queued += bytes.count
        condition.signal()
        if queued > Self.high {
            wasHigh = true
            return true
        }
        return false
    }

    /// EOF after the queued data.
    func finish() {
        condition.lock()
        ended = true
        condition.signal()
        condition.unlock()
    }

    /// Drops what is queued and closes.
    func abandon() {
        condition.lock()
        abandoned = true
        chunks = []
        condition.signal()
        condition.unlock()
    }
}
