import Dispatch
import KubeClient
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `jump --stdio NODE [PORT]`: stdin/stdout relayed to the node's port through the relay, binary
/// clean, for ssh's ProxyCommand, scp, rsync -e and ansible. Ends when the node closes the
/// connection, stdout goes away, a signal arrives (ssh sends SIGHUP to its ProxyCommand when
/// it is done), or stdin ends and the node has not closed within `halfCloseGrace` seconds
/// (port-forward has no half-close; socat's own `-t` waits 0.5 s the same way).
public struct StdioRelay {
    public let client: KubeClient
    public let options: JumpOptions
    public var halfCloseGrace: Double = 2

    public init(client: KubeClient, options: JumpOptions) {
        self.client = client
        self.options = options
    }

    final class State: Sendable {
        let done = Atomic<Bool>(false)
        let stdinClosedAt = Mutex<Double?>(nil)
        let failure = Mutex<KubeError?>(nil)
    }

    /// Returns the exit code: 0 when the connection ended normally or ssh hung up.
    public func run() throws(JumpError) -> Int32 {
        let relay = try RelayConnection.open(client: client, options: options)
        defer { relay.close() }
        let stream: PortForwardStream
        do { stream = try relay.stream() } catch { throw JumpError.stream(error.description) }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw JumpError.stream("pipe: \(errno)") }
        let (pumpIn, feed) = (fds[0], fds[1])
        let state = State()
        // stdin goes through a pipe so that its end is seen here (the pump only stops sending).
        BackgroundThread.start {
            var buffer = [UInt8](repeating: 0, count: 64 << 10)
            while !state.done.load(ordering: .relaxed) {
                let n = read(0, &buffer, buffer.count)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { break }
                var offset = 0
                while offset < n {
                    let w = buffer.withUnsafeBytes { write(feed, $0.baseAddress.map { $0 + offset }, n - offset) }
                    if w < 0 && errno == EINTR { continue }
                    if w <= 0 { offset = -1; break }
                    offset += w
                }
                if offset < 0 { break }
            }
            state.stdinClosedAt.withLock { $0 = Monotonic.now }
        }
        BackgroundThread.start {
            do { try stream.pump(readFD: pumpIn, writeFD: 1) } catch {
                let failure = error as? KubeError ?? KubeError(kind: .server, message: "\(error)")
                state.failure.withLock { $0 = failure }
            }
            state.done.store(true, ordering: .relaxed)
        }
        while !state.done.load(ordering: .relaxed) && !StopSignal.isSet {
            if let closed = state.stdinClosedAt.withLock({ $0 }), Monotonic.now - closed > halfCloseGrace { break }
            usleep(20_000)
        }
        if StopSignal.isSet && StopSignal.received != SIGHUP {
            throw JumpError.session(.interrupted(StopSignal.received))
        }
        if let failure = state.failure.withLock({ $0 }), failure.kind != .cancelled {
            throw JumpError.stream(failure.description)
        }
        return 0
    }
}
