#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KubeModel

/// Runs a program with argv (never through a shell) and collects its stdout.
public enum ProcessRunner {
    public struct Result: Sendable {
        public var exitCode: Int32
        public var stdout: [UInt8]
        public var stderr: [UInt8]
    }

    public enum Failure: Error, Sendable, Equatable {
        case notFound(String)
        case spawnFailed(String, String)
    }

    /// Finds `name` on PATH (or checks it as a path when it holds a slash).
    public static func lookPath(_ name: String, path: String?) -> String? {
        if name.contains("/") { return Files.isExecutable(name) ? name : nil }
        for dir in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = String(dir) + "/" + name
            if Files.isExecutable(candidate) { return candidate }
        }
        return nil
    }

    /// - Parameters:
    ///   - inheritStdin: pass the terminal's stdin (interactive plugins); otherwise /dev/null.
    ///   - captureStderr: collect stderr; otherwise it goes to our stderr, as kubectl lets plugin prompts through.
    public static func run(_ executable: String, arguments: [String], environment: [String: String],
                           inheritStdin: Bool, captureStderr: Bool = false) throws(Failure) -> Result {
        guard let resolved = lookPath(executable, path: environment["PATH"]) else { throw .notFound(executable) }
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        guard makePipe(&outPipe), !captureStderr || makePipe(&errPipe) else {
            throw .spawnFailed(executable, Files.errorText(errno))
        }
        let stdin = inheritStdin ? -1 : open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { if stdin >= 0 { close(stdin) } }
        let envp = environment.map { "\($0.key)=\($0.value)" }
        // Same process group: a plugin's prompt must still reach the terminal.
        let spawned = CleanSpawn.spawn(path: resolved, argv: [resolved] + arguments, environment: envp,
                                       stdio: (stdin, outPipe[1], captureStderr ? errPipe[1] : -1), newProcessGroup: false)
        let status: Int32
        var pid: pid_t = 0
        switch spawned {
        case .success(let child):
            pid = child
            status = 0
        case .failure(let failure):
            status = failure.code
        }
        close(outPipe[1])
        if captureStderr { close(errPipe[1]) }
        guard status == 0 else {
            close(outPipe[0])
            if captureStderr { close(errPipe[0]) }
            throw .spawnFailed(executable, Files.errorText(status))
        }
        // Plugins print little; read stdout then stderr (stderr is small or inherited).
        let stdout = readAll(outPipe[0])
        let stderr = captureStderr ? readAll(errPipe[0]) : []
        var waitStatus: Int32 = 0
        while waitpid(pid, &waitStatus, 0) < 0 && errno == EINTR {}
        let exitCode: Int32
        if waitStatus & 0x7F == 0 { exitCode = (waitStatus >> 8) & 0xFF } else { exitCode = 128 + (waitStatus & 0x7F) }
        return Result(exitCode: exitCode, stdout: stdout, stderr: stderr)
    }

    /// A pipe whose ends do not leak into other children we spawn.
    private static func makePipe(_ fds: inout [Int32]) -> Bool {
        guard pipe(&fds) == 0 else { return false }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return true
    }

    private static func readAll(_ fd: Int32) -> [UInt8] {
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out.append(contentsOf: buffer[0..<n])
            if out.count > 16 << 20 { break }
        }
        return out
    }
}
