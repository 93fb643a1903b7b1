#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// posix_spawn with a clean signal state. Foundation.Process passes on the calling
/// thread's signal mask, and test runners and event-loop threads block most signals,
/// so its children could ignore SIGTERM; every child here starts with an empty mask
/// and default handlers, in its own process group.
enum ChildProcess {
    /// Spawns `path` with `argv` (argv[0] included) with the given descriptors as 0, 1, 2.
    static func spawn(path: String, argv: [String], stdin: Int32, stdout: Int32, stderr: Int32) throws -> pid_t {
        switch spawnClean(path: path, argv: argv, environment: nil, stdio: (stdin, stdout, stderr), ttyPath: nil) {
        case .success(let pid):
            return pid
        case .failure(let error):
            throw LabNetworkError.commandFailed(argv: argv, status: error.code, stderr: "posix_spawn: \(String(cString: strerror(error.code)))")
        }
    }

    struct SpawnErrno: Error { let code: Int32 }

    /// The one posix_spawn of the lab: empty signal mask, default dispositions, and either
    /// the given descriptors as 0, 1, 2 in a new process group, or (`ttyPath`) a new session
    /// whose controlling terminal is that pty slave (opened after setsid, so it becomes the ctty).
    /// `environment` nil passes ours on.
    static func spawnClean(path: String, argv: [String], environment: [String]?, stdio: (Int32, Int32, Int32),
                           ttyPath: String?) -> Result<pid_t, SpawnErrno> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let ttyPath {
            posix_spawn_file_actions_addopen(&actions, 0, ttyPath, O_RDWR, 0)
            posix_spawn_file_actions_adddup2(&actions, 0, 1)
            posix_spawn_file_actions_adddup2(&actions, 0, 2)
        } else {
            posix_spawn_file_actions_adddup2(&actions, stdio.0, 0)
            posix_spawn_file_actions_adddup2(&actions, stdio.1, 1)
            posix_spawn_file_actions_adddup2(&actions, stdio.2, 2)
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
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if ttyPath != nil {
            flags |= 0x80  // POSIX_SPAWN_SETSID (glibc ≥ 2.26)
        } else {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cEnv: [UnsafeMutablePointer<CChar>?] = (environment ?? []).map { strdup($0) } + [nil]
        defer { for pointer in cArgs + cEnv { free(pointer) } }
        var pid: pid_t = 0
        let status = environment == nil
            ? posix_spawn(&pid, path, &actions, &attributes, &cArgs, environ)
            : posix_spawn(&pid, path, &actions, &attributes, &cArgs, &cEnv)
        return status == 0 ? .success(pid) : .failure(SpawnErrno(code: status))
    }

    /// A pipe whose ends are closed on exec (the child gets copies through dup2 only).
    static func makePipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        // pipe2(O_CLOEXEC) is not exported to Swift; a spawn racing in between can only leak a copy.
        guard pipe(&fds) == 0 else { throw LabNetworkError.commandFailed(argv: ["pipe"], status: errno, stderr: "") }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return (fds[0], fds[1])
    }

    /// An unlinked temporary file holding `text`, positioned at its start: a child's stdin
    /// that never blocks or raises SIGPIPE, however much it reads.
    static func inputFile(_ text: String) throws -> Int32 {
        var template = Array("/tmp/aksl-input-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard fd >= 0 else { throw LabNetworkError.commandFailed(argv: ["mkstemp"], status: errno, stderr: "") }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        template.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { unlink(base) }
        }
        let bytes = Array(text.utf8)
        let total = bytes.count
        var offset = 0
        while offset < total {
            let written = bytes.withUnsafeBytes { raw in
                write(fd, raw.baseAddress.map { $0 + offset }, total - offset)
            }
            if written <= 0 {
                close(fd)
                throw LabNetworkError.commandFailed(argv: ["write"], status: errno, stderr: "")
            }
            offset += written
        }
        lseek(fd, 0, SEEK_SET)
        return fd
    }

    static func devNull(write: Bool) -> Int32 {
        open("/dev/null", (write ? O_WRONLY : O_RDONLY) | O_CLOEXEC)
    }

    /// Reaps `pid` if it has exited; returns its exit status (128+signal when killed).
    static func reap(_ pid: pid_t, block: Bool) -> Int32? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, block ? 0 : WNOHANG)
            if result == pid { break }
            if result == -1 && errno == EINTR { continue }
            return result == -1 ? -1 : nil
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}
