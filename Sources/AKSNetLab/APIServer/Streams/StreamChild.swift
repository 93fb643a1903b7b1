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
