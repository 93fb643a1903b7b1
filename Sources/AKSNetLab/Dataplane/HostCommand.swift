#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Runs one host program from an argv (never through a shell), waits for it,
/// and returns what it printed. The dataplane drives `ip`, `iptables-restore`
/// and `sysctl` through this, always inside a lab namespace.
public struct HostCommand: Sendable {
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var succeeded: Bool { status == 0 }
        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    /// Directories searched for a bare program name, in order. Fixed so that a
    /// caller's PATH cannot swap `ip` for something else.
    static let searchDirectories = ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin"]

    public static func resolve(_ program: String) -> String? {
        if program.contains("/") { return access(program, X_OK) == 0 ? program : nil }
        for dir in searchDirectories where access(dir + "/" + program, X_OK) == 0 {
            return dir + "/" + program
        }
        return nil
    }

    /// Runs `argv` (argv[0] resolved with `resolve`), feeding `input` on stdin.
    /// A program still running after `timeout` seconds is killed by its PID.
    @discardableResult
    public static func run(_ argv: [String], input: String? = nil, timeout: TimeInterval = 30) throws -> Output {
        guard let program = argv.first, let path = resolve(program) else {
            throw LabNetworkError.commandNotFound(argv.first ?? "")
        }
        let stdinFD = try input.map(ChildProcess.inputFile) ?? ChildProcess.devNull(write: false)
        defer { close(stdinFD) }
        let out = try ChildProcess.makePipe()
        let err: (read: Int32, write: Int32)
        do { err = try ChildProcess.makePipe() } catch {
            close(out.read); close(out.write)
            throw error
        }
        let pid: pid_t
        do {
            pid = try ChildProcess.spawn(path: path, argv: argv, stdin: stdinFD, stdout: out.write, stderr: err.write)
        } catch {
            for fd in [out.read, out.write, err.read, err.write] { close(fd) }
            throw error
        }
        close(out.write)
        close(err.write)
        defer { close(out.read); close(err.read) }
        let deadline = Date().addingTimeInterval(timeout)
        let collected = collect(out.read, err.read, pid: pid, deadline: deadline)
        let status: Int32
        if let exited = collected.status {
            status = exited
        } else {
            kill(pid, SIGKILL)
            _ = ChildProcess.reap(pid, block: true)
            throw LabNetworkError.commandTimedOut(argv)
        }
        return Output(status: status, stdout: String(decoding: collected.stdout, as: UTF8.self),
                      stderr: String(decoding: collected.stderr, as: UTF8.self))
    }

    /// Reads both pipes until EOF and the child has exited, or the deadline passes
    /// (then status is nil). A grandchild keeping the pipes open gets a short grace only.
    private static func collect(_ outFD: Int32, _ errFD: Int32, pid: pid_t, deadline: Date)
        -> (status: Int32?, stdout: [UInt8], stderr: [UInt8]) {
        var stdout: [UInt8] = [], stderr: [UInt8] = []
        var open: [Int32] = [outFD, errFD]
        var status: Int32?
        var reapedAt: Date?
        var buffer = [UInt8](repeating: 0, count: 65536)
        while Date() < deadline {
            if status == nil, let exited = ChildProcess.reap(pid, block: false) {
                status = exited
                reapedAt = Date()
            }
            if open.isEmpty, status != nil { break }
            if let reapedAt, Date().timeIntervalSince(reapedAt) > 0.5 { break }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), 20)
            guard ready > 0 else { continue }
            for entry in fds where entry.revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    if entry.fd == outFD { stdout += buffer[0..<count] } else { stderr += buffer[0..<count] }
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    open.removeAll { $0 == entry.fd }
                }
            }
        }
        if status == nil, let exited = ChildProcess.reap(pid, block: false) { status = exited }
        return (status, stdout, stderr)
    }

    /// Like `run`, but a non-zero exit is an error carrying the program's stderr.
    @discardableResult
    public static func check(_ argv: [String], input: String? = nil, timeout: TimeInterval = 30) throws -> Output {
        let output = try run(argv, input: input, timeout: timeout)
        guard output.succeeded else {
            throw LabNetworkError.commandFailed(argv: argv, status: output.status, stderr: output.stderr)
        }
        return output
    }
}
