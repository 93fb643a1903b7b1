#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KubeModel

/// Spawning for tests, without Foundation.Process: its `waitUntilExit` hung for good on CI
/// (a lost SIGCHLD), and its children inherit the calling thread's blocked signals. Children
/// start through KubeModel's `CleanSpawn` (empty mask, default dispositions, own process group).
public enum Spawn {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts `path` with 0, 1, 2 taken from `stdio`; returns its PID (also its process group).
    static func start(_ path: String, _ arguments: [String], environment: [String: String]?, cwd: String?,
                      stdio: (Int32, Int32, Int32)) throws -> pid_t {
        // glibc's addchdir_np is not visible to Swift: a working folder goes through sh, as argv.
        let argv = cwd.map { ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", $0, path] + arguments } ?? [path] + arguments
        let program = cwd == nil ? path : "/bin/sh"
        let envp = environment.map { $0.map { "\($0.key)=\($0.value)" } }
        let pid: pid_t
        switch CleanSpawn.spawn(path: program, argv: argv, environment: envp, stdio: stdio) {
        case .success(let child): pid = child
        case .failure(let failure): throw Failure(description: "spawn \(path): \(failure)")
        }
        return pid
    }

    /// A pipe whose ends are closed on exec; the child gets its end through dup2 only.
    static func pipePair() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw Failure(description: "pipe: \(String(cString: strerror(errno)))") }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return (fds[0], fds[1])
    }

    static func devNull(write: Bool) -> Int32 {
        open("/dev/null", (write ? O_WRONLY : O_RDONLY) | O_CLOEXEC)
    }

    /// Reaps `pid`: its exit code, 128+signal when killed, nil while it runs (non-blocking).
    static func reap(_ pid: pid_t, block: Bool) -> (code: Int32, signaled: Bool)? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, block ? 0 : WNOHANG)
            if result == pid { break }
            if result == -1 && errno == EINTR { continue }
            return result == -1 ? (-1, false) : nil
        }
        let signal = status & 0x7f
        return signal == 0 ? ((status >> 8) & 0xff, false) : (128 + signal, true)
    }

    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
