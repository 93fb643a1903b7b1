#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The suite's one posix_spawn. Children start with an empty signal mask and default signal
/// dispositions whatever the calling thread has (test runners, event loops and this machine's
/// own parents hand down blocked signals, and a child that blocks SIGTERM cannot be stopped),
/// by argv only — never through a shell.
public enum CleanSpawn {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let code: Int32
        public var description: String { String(cString: strerror(code)) }
    }

    /// Starts `path` with `argv` (argv[0] included).
    /// - Parameters:
    ///   - environment: `KEY=VALUE` entries; nil passes ours on.
    ///   - stdio: descriptors for 0, 1, 2; -1 leaves ours in place.
    ///   - ttyPath: a pty slave: the child gets a new session with it as its controlling terminal
    ///     and as 0, 1, 2 (opened after setsid, so it becomes the ctty); `stdio` is then ignored.
    ///   - newProcessGroup: its own process group (so a signal to -pid reaches its children).
    public static func spawn(path: String, argv: [String], environment: [String]? = nil,
                             stdio: (Int32, Int32, Int32) = (-1, -1, -1), ttyPath: String? = nil,
                             newProcessGroup: Bool = true) -> Result<pid_t, Failure> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let ttyPath {
            posix_spawn_file_actions_addopen(&actions, 0, ttyPath, O_RDWR, 0)
            posix_spawn_file_actions_adddup2(&actions, 0, 1)
            posix_spawn_file_actions_adddup2(&actions, 0, 2)
        } else {
            for (fd, target) in [(stdio.0, Int32(0)), (stdio.1, 1), (stdio.2, 2)] where fd >= 0 {
                posix_spawn_file_actions_adddup2(&actions, fd, target)
            }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        if ttyPath != nil {
            flags |= 0x80  // POSIX_SPAWN_SETSID (glibc ≥ 2.26)
        } else if newProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cEnv: [UnsafeMutablePointer<CChar>?] = (environment ?? []).map { strdup($0) } + [nil]
        defer { for pointer in cArgs + cEnv { free(pointer) } }
        var pid: pid_t = 0
        let status = environment == nil
            ? posix_spawn(&pid, path, &actions, &attributes, &cArgs, environ)
            : posix_spawn(&pid, path, &actions, &attributes, &cArgs, &cEnv)
        return status == 0 ? .success(pid) : .failure(Failure(code: status))
    }
}
