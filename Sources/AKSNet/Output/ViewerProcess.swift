#if canImport(Glibc)
import Glibc
#endif
import KubeModel

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
        // In our process group: the viewer is ended by closing its stdin, as a terminal user expects.
        let spawned = CleanSpawn.spawn(path: path, argv: argv, stdio: (fds[0], -1, -1), newProcessGroup: false)
        Glibc.close(fds[0])
        let pid: pid_t
        switch spawned {
        case .success(let child): pid = child
        case .failure(let failure):
            Glibc.close(fds[1])
            throw SniffError.output("cannot start \(path): \(failure)")
        }
        return ViewerProcess(pid: pid, stdinFD: fds[1], name: argv[0])
    }

    func wait() {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    }
}
