#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a finished program left: exit code (128+signal when killed), its output, and
/// whether the deadline ended it.
public struct ProcessResult: Sendable, CustomStringConvertible {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var timedOut: Bool
    public var terminatedBySignal: Bool
    public var exitCode: Int32 { status }
    public var description: String { "exit \(status)\(timedOut ? " (timed out)" : "") stdout=\(stdout.debugDescription) stderr=\(stderr.debugDescription)" }
}

/// Runs programs for tests, by argv, always with a deadline: nothing a test starts can hang it.
public enum Shell {
    /// Runs `path` to completion (or until `timeout` seconds, then SIGKILL to its process group),
    /// feeding `stdin` (then EOF) and collecting stdout and stderr.
    public static func run(_ path: String, _ arguments: [String], stdin: String? = nil,
                           environment: [String: String]? = nil, cwd: String? = nil,
                           timeout: Double = 60) throws -> ProcessResult {
        let out = try Spawn.pipePair()
        let err = try Spawn.pipePair()
        let input = try Spawn.pipePair()
        let pid: pid_t
        do {
            pid = try Spawn.start(path, arguments, environment: environment, cwd: cwd, stdio: (input.read, out.write, err.write))
        } catch {
            for fd in [out.read, out.write, err.read, err.write, input.read, input.write] { close(fd) }
            throw error
        }
        close(out.write)
        close(err.write)
        close(input.read)
        var pending = Array((stdin ?? "").utf8)
        var inputFD: Int32 = input.write
        if pending.isEmpty {
            close(inputFD)
            inputFD = -1
        } else {
            _ = fcntl(inputFD, F_SETFL, fcntl(inputFD, F_GETFL) | O_NONBLOCK)
        }
        var collected: [[UInt8]] = [[], []]
        var open: [Int32] = [out.read, err.read]
        let deadline = Spawn.now() + timeout
        var exitedAt: Double?
        var outcome: (code: Int32, signaled: Bool)?
        var timedOut = false
        // Read until both pipes close; a grandchild that keeps them open gets 2 s after the exit.
        while open.contains(where: { $0 >= 0 }) || outcome == nil {
            if outcome == nil, let reaped = Spawn.reap(pid, block: false) {
                outcome = reaped
                exitedAt = Spawn.now()
            }
            let now = Spawn.now()
            if outcome == nil && now > deadline {
                timedOut = true
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
                outcome = Spawn.reap(pid, block: true)
                exitedAt = now
            }
            if let exitedAt, now - exitedAt > 2 { break }
            var fds = open.filter { $0 >= 0 }.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if inputFD >= 0 { fds.append(pollfd(fd: inputFD, events: Int16(POLLOUT), revents: 0)) }
            if fds.isEmpty {
                usleep(5_000)
                continue
            }
            let ready = poll(&fds, nfds_t(fds.count), 50)
            if ready <= 0 { continue }
            for entry in fds where entry.revents != 0 {
                if entry.fd == inputFD {
                    let written = pending.withUnsafeBytes { write(inputFD, $0.baseAddress, $0.count) }
                    if written > 0 { pending.removeFirst(written) }
                    if pending.isEmpty || (written < 0 && errno != EAGAIN && errno != EINTR) {
                        close(inputFD)
                        inputFD = -1
                    }
                    continue
                }
                guard let index = open.firstIndex(of: entry.fd) else { continue }
                var buffer = [UInt8](repeating: 0, count: 65536)
                let n = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    collected[index].append(contentsOf: buffer[0..<n])
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    close(entry.fd)
                    open[index] = -1
                }
            }
        }
        for fd in open where fd >= 0 { close(fd) }
        if inputFD >= 0 { close(inputFD) }
        let final = outcome ?? (-1, false)
        return ProcessResult(status: final.code, stdout: String(decoding: collected[0], as: UTF8.self),
                             stderr: String(decoding: collected[1], as: UTF8.self), timedOut: timedOut,
                             terminatedBySignal: final.signaled)
    }

    /// Runs `command` through /bin/sh -c (for tests' own pipelines only, never user strings).
    public static func sh(_ command: String, timeout: Double = 60) throws -> ProcessResult {
        try run("/bin/sh", ["-c", command], timeout: timeout)
    }
}

extension Shell {
    public typealias Background = TestSupport.Background
    public typealias Result = ProcessResult
}

/// The same as `Shell.run`, under the name the client and config tests use.
public func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                       cwd: String? = nil, timeout: Double = 60) throws -> ProcessResult {
    try Shell.run(executable, arguments, environment: environment, cwd: cwd, timeout: timeout)
}
