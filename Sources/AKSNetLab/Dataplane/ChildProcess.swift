#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KubeModel

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

    typealias SpawnErrno = CleanSpawn.Failure

    /// The lab's spawns go through the suite's one clean spawn (KubeModel's `CleanSpawn`).
    static func spawnClean(path: String, argv: [String], environment: [String]?, stdio: (Int32, Int32, Int32),
                           ttyPath: String?) -> Result<pid_t, SpawnErrno> {
        CleanSpawn.spawn(path: path, argv: argv, environment: environment, stdio: stdio, ttyPath: ttyPath)
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
