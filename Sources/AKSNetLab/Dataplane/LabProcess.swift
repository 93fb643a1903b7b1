#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A long-running program (a pod's process, a test server) started with a clean
/// signal mask (see `ChildProcess`), output to files or /dev/null, stopped by its PID.
/// For a pod: `LabProcess.start(["ip", "netns", "exec", pod.netnsName, program, args…])` (argv, never a shell string);
/// `ip netns exec` execs the program, so `pid` is the program's own PID.
public final class LabProcess: @unchecked Sendable {
    public let pid: pid_t
    public let argv: [String]
    private let lock = NSLock()
    private var exitStatus: Int32?

    private init(pid: pid_t, argv: [String]) {
        self.pid = pid
        self.argv = argv
    }

    /// Starts `argv`; stdout/stderr go to the given files (appended, created 0600) or /dev/null.
    public static func start(_ argv: [String], stdoutPath: String? = nil, stderrPath: String? = nil) throws -> LabProcess {
        guard let program = argv.first, let path = HostCommand.resolve(program) else {
            throw LabNetworkError.commandNotFound(argv.first ?? "")
        }
        func sink(_ file: String?) -> Int32 {
            guard let file else { return ChildProcess.devNull(write: true) }
            return open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        }
        let input = ChildProcess.devNull(write: false), out = sink(stdoutPath), err = sink(stderrPath)
        defer { for fd in [input, out, err] where fd >= 0 { close(fd) } }
        guard input >= 0, out >= 0, err >= 0 else { throw LabNetworkError.commandFailed(argv: argv, status: errno, stderr: "cannot open output") }
        let pid = try ChildProcess.spawn(path: path, argv: argv, stdin: input, stdout: out, stderr: err)
        return LabProcess(pid: pid, argv: argv)
    }

    /// A process started elsewhere (with its own descriptors), stopped and reaped the same way.
    static func adopt(pid: pid_t, argv: [String]) -> LabProcess { LabProcess(pid: pid, argv: argv) }

    /// The exit status (128+signal if killed) once the process has ended, reaping it.
    public var status: Int32? {
        lock.lock()
        defer { lock.unlock() }
        if exitStatus == nil, let status = ChildProcess.reap(pid, block: false) { exitStatus = status }
        return exitStatus
    }

    public var isRunning: Bool { status == nil }

    /// SIGTERM, up to `grace` seconds, then SIGKILL; returns the exit status.
    @discardableResult
    public func stop(grace: TimeInterval = 2) -> Int32 {
        if let status { return status }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline {
            if let status { return status }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        lock.lock()
        defer { lock.unlock() }
        if exitStatus == nil { exitStatus = ChildProcess.reap(pid, block: true) ?? -1 }
        return exitStatus ?? -1
    }
}
