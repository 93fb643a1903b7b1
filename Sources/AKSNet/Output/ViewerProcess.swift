#if canImport(Glibc)
import Glibc
#endif

/// `--wireshark`: Wireshark (`-k -i -`) when there is a display, else tshark (`-l -r -`), reading
/// the live capture on its stdin. Spawned with an empty signal mask and default dispositions.
final class ViewerProcess: @unchecked Sendable {
    let pid: pid_t
    let stdinFD: Int32
    let name: String

    private init(pid: pid_t, stdinFD: Int32, name: String) {
        self.pid = pid
        self.stdinFD = stdinFD
        self.name = name
    }

    static func lookPath(_ name: String) -> String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    static func choose() -> (path: String, argv: [String])? {
        let hasDisplay = getenv("DISPLAY") != nil || getenv("WAYLAND_DISPLAY") != nil
        if hasDisplay, let path = lookPath("wireshark") { return (path, ["wireshark", "-k", "-i", "-"]) }
        if let path = lookPath("tshark") { return (path, ["tshark", "-l", "-r", "-"]) }
        return nil
    }

    static func start() throws(SniffError) -> ViewerProcess {
        guard let (path, argv) = choose() else {
            throw SniffError.output("--wireshark needs Wireshark or tshark: neither is on PATH "
                + "(install the `wireshark` package for the GUI or `tshark` for the terminal, e.g. apt-get install tshark), "
                + "or write a file with -o FILE")
        }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw SniffError.output("pipe: \(String(cString: strerror(errno)))") }
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signo in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { sigaddset(&defaults, signo) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        let result = posix_spawn(&pid, path, &actions, &attributes, cArgs, environ)
        Glibc.close(fds[0])
        guard result == 0 else {
            Glibc.close(fds[1])
            throw SniffError.output("cannot start \(path): \(String(cString: strerror(result)))")
        }
        return ViewerProcess(pid: pid, stdinFD: fds[1], name: argv[0])
    }

    func wait() {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    }
}
