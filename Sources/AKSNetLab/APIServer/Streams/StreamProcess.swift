#if canImport(Glibc)
import Glibc
#endif
import Foundation
import NIOCore

/// A child of a stream session (the exec'd command, or a port-forward relay): spawned with
/// posix_spawn, an empty signal mask and default dispositions (event-loop and test threads
/// block signals), in its own process group (its own session with a tty); killed by its
/// process group, reaped by a waiter thread that never races a kill against PID reuse.
final class StreamChild: @unchecked Sendable {
    let pid: pid_t
    private let lock = NSLock()
    private var reaped = false

    private init(pid: pid_t) { self.pid = pid }

    /// PATH of the processes the lab runs "in containers" (the host's binaries).
    static let path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// Ignoring SIGPIPE once: a child closing its stdin must give EPIPE, not end the server.
    static let ignoreSIGPIPE: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// The program `argv[0]` names, as `exec` would find it on `path`; nil with the runtime's reason.
    static func lookup(_ program: String, path: String = StreamChild.path) -> (path: String?, why: String) {
        if program.contains("/") {
            if access(program, F_OK) != 0 { return (nil, "exec: \"\(program)\": stat \(program): no such file or directory") }
            if access(program, X_OK) != 0 { return (nil, "exec: \"\(program)\": permission denied") }
            return (program, "")
        }
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(program)"
            var info = stat()
            if stat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFREG, access(candidate, X_OK) == 0 {
                return (candidate, "")
            }
        }
        return (nil, "exec: \"\(program)\": executable file not found in $PATH")
    }

    /// Spawns `argv` with the given descriptors as 0, 1, 2 — or, with `ttyPath`, a new session
    /// whose controlling terminal is that pty slave (opened after setsid, so it becomes the ctty).
    static func spawn(_ argv: [String], environment: [String], stdin: Int32 = -1, stdout: Int32 = -1, stderr: Int32 = -1,
                      ttyPath: String? = nil) throws -> StreamChild {
        _ = ignoreSIGPIPE
        guard let program = argv.first, let resolved = lookup(program).path else {
            throw StreamSpawnError(message: lookup(argv.first ?? "").why)
        }
        switch ChildProcess.spawnClean(path: resolved, argv: argv, environment: environment,
                                       stdio: (stdin, stdout, stderr), ttyPath: ttyPath) {
        case .success(let pid):
            return StreamChild(pid: pid)
        case .failure(let error):
            throw StreamSpawnError(message: "exec: \"\(program)\": \(String(cString: strerror(error.code)).lowercased())")
        }
    }

    /// Blocks until the child ends (on a thread of its own); its exit code, 128+signal if killed.
    func waitForExit() -> Int32 {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 {
            if errno != EINTR { break }
        }
        var status: Int32 = 0
        lock.withLock {
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            reaped = true
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// Signals the child's process group, unless it has been reaped.
    func signalGroup(_ signal: Int32) {
        lock.withLock {
            if !reaped { kill(-pid, signal) }
        }
    }

    /// SIGTERM now, SIGKILL after `grace` seconds if it is still there.
    func terminate(grace: TimeAmount = .seconds(1), on loop: any EventLoop) {
        signalGroup(SIGTERM)
        loop.scheduleTask(in: grace) { self.signalGroup(SIGKILL) }
    }

    var hasExited: Bool { lock.withLock { reaped } }
}

struct StreamSpawnError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// File-descriptor helpers for stream sessions.
enum StreamFD {
    /// A pipe whose ends are closed on exec (children get copies through dup2 only).
    static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard Glibc.pipe(&fds) == 0 else { throw StreamSpawnError(message: "pipe: \(String(cString: strerror(errno)))") }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return (fds[0], fds[1])
    }

    /// A pty: the master (close-on-exec) and the slave's path. posix_openpt/grantpt/unlockpt/ptsname
    /// are not visible from Swift's Glibc: this is what they do on Linux (devpts).
    static func openPTY() throws -> (master: Int32, slavePath: String) {
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { throw StreamSpawnError(message: "open /dev/ptmx: \(String(cString: strerror(errno)))") }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        let TIOCSPTLCK: UInt = 0x4004_5431, TIOCGPTN: UInt = 0x8004_5430
        guard ioctl(master, TIOCSPTLCK, &unlock) == 0, ioctl(master, TIOCGPTN, &number) == 0 else {
            let why = String(cString: strerror(errno))
            close(master)
            throw StreamSpawnError(message: "pty: \(why)")
        }
        return (master, "/dev/pts/\(number)")
    }

    static func setWindowSize(_ fd: Int32, width: Int, height: Int) {
        var size = winsize(ws_row: UInt16(clamping: height), ws_col: UInt16(clamping: width), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(fd, UInt(TIOCSWINSZ), &size)
    }

    static func devNull() -> Int32 { open("/dev/null", O_RDWR | O_CLOEXEC) }

    /// Writes everything; false on an error (EPIPE when the reader went away).
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return Glibc.write(fd, base + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }
}

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

/// A thread that reads a descriptor until EOF and hands each chunk to the event loop.
enum FDReader {
    static let chunkSize = 256 * 1024

    /// `deliver` runs on `loop` with each chunk and returns the write's future (nil if dropped);
    /// `finished` runs on `loop` after the last chunk. The reader owns and closes `fd`.
    static func start(fd: Int32, name: String, loop: any EventLoop, credit: OutputCredit,
                      deliver: @escaping @Sendable ([UInt8]) -> EventLoopFuture<Void>?,
                      finished: @escaping @Sendable () -> Void) {
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: chunkSize)
            while true {
                let count = buffer.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress, raw.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }  // EOF, or EIO on a pty master once the slave side is gone
                let chunk = Array(buffer[0..<count])
                if credit.acquire(count) {
                    loop.execute {
                        if let written = deliver(chunk) {
                            written.whenComplete { _ in credit.release(count) }
                        } else {
                            credit.release(count)
                        }
                    }
                }
            }
            close(fd)
            loop.execute { finished() }
        }
        thread.name = name
        thread.start()
    }
}

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
