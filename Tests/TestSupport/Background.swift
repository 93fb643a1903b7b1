import Foundation

/// A program kept running while a test works with it; its output is collected as it comes.
/// `stop()` ends it by its own PID (SIGTERM to its process group, SIGKILL after 3 s) and reaps it.
public final class Background: @unchecked Sendable {
    public let pid: pid_t
    private let lock = NSLock()
    private var out: [UInt8] = []
    private var err: [UInt8] = []
    private var outcome: (code: Int32, signaled: Bool)?
    private var stdinFD: Int32 = -1
    private var readers = 0

    /// - Parameter keepStdin: keep a pipe to its stdin open (`send`, `closeStdin`); otherwise /dev/null.
    public init(_ path: String, _ arguments: [String], environment: [String: String]? = nil, cwd: String? = nil,
                keepStdin: Bool = false) throws {
        let outPipe = try Spawn.pipePair()
        let errPipe = try Spawn.pipePair()
        let input = keepStdin ? try Spawn.pipePair() : (read: Spawn.devNull(write: false), write: Int32(-1))
        do {
            pid = try Spawn.start(path, arguments, environment: environment, cwd: cwd,
                                  stdio: (input.read, outPipe.write, errPipe.write))
        } catch {
            for fd in [outPipe.read, outPipe.write, errPipe.read, errPipe.write, input.read, input.write] where fd >= 0 { close(fd) }
            throw error
        }
        close(outPipe.write)
        close(errPipe.write)
        close(input.read)
        stdinFD = input.write
        readers = 2
        startReader(outPipe.read, error: false)
        startReader(errPipe.read, error: true)
    }

    private func startReader(_ fd: Int32, error: Bool) {
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                lock.withLock {
                    if error { err.append(contentsOf: buffer[0..<n]) } else { out.append(contentsOf: buffer[0..<n]) }
                }
            }
            close(fd)
            lock.withLock { readers -= 1 }
        }
        thread.start()
    }

    public var output: String { lock.withLock { String(decoding: out, as: UTF8.self) } }
    public var errors: String { lock.withLock { String(decoding: err, as: UTF8.self) } }
    public var outputBytes: [UInt8] { lock.withLock { out } }

    /// Waits until stdout (or stderr with `inErrors`) contains `text`; false after `timeout` s or
    /// when the program has exited without printing it.
    public func waitFor(_ text: String, inErrors: Bool = false, timeout: Double = 10) -> Bool {
        let deadline = Spawn.now() + timeout
        while Spawn.now() < deadline {
            if (inErrors ? errors : output).contains(text) { return true }
            if !isRunning { break }
            usleep(20_000)
        }
        return (inErrors ? errors : output).contains(text)
    }

    public var isRunning: Bool { lock.withLock { poll() } == nil }

    /// Exit code (128+signal when killed) once it has exited.
    public var exitCode: Int32? { lock.withLock { poll()?.code } }

    private func poll() -> (code: Int32, signaled: Bool)? {
        if outcome == nil { outcome = Spawn.reap(pid, block: false) }
        return outcome
    }

    /// Waits up to `timeout` s for it to exit by itself; its exit code, or nil if it still runs.
    @discardableResult
    public func wait(timeout: Double) -> Int32? {
        let deadline = Spawn.now() + timeout
        while Spawn.now() < deadline {
            if let code = exitCode { return waitForOutput(code) }
            usleep(10_000)
        }
        return exitCode.map(waitForOutput)
    }

    /// Lets the readers take the last bytes (at most 2 s: a grandchild may hold the pipe).
    private func waitForOutput(_ code: Int32) -> Int32 {
        let deadline = Spawn.now() + 2
        while lock.withLock({ readers }) > 0, Spawn.now() < deadline { usleep(5_000) }
        return code
    }

    public func signal(_ number: Int32) {
        if isRunning { kill(pid, number) }
    }

    public func send(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count, stdinFD >= 0 {
            let n = bytes.withUnsafeBytes { write(stdinFD, $0.baseAddress.map { $0 + offset }, bytes.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            offset += n
        }
    }

    public func closeStdin() {
        lock.withLock {
            if stdinFD >= 0 { close(stdinFD) }
            stdinFD = -1
        }
    }

    /// Ends it: SIGTERM to its process group, SIGKILL after `grace` s; returns its exit code.
    @discardableResult
    public func stop(grace: Double = 3) -> Int32 {
        closeStdin()
        if isRunning {
            kill(-pid, SIGTERM)
            kill(pid, SIGTERM)
            if wait(timeout: grace) == nil {
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
            }
        }
        let code = lock.withLock { () -> Int32 in
            if outcome == nil { outcome = Spawn.reap(pid, block: true) }
            return outcome?.code ?? -1
        }
        return waitForOutput(code)
    }

    deinit {
        if lock.withLock({ poll() }) == nil {
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
            _ = Spawn.reap(pid, block: true)
        }
        if stdinFD >= 0 { close(stdinFD) }
    }
}
