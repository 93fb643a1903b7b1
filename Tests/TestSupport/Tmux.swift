#if canImport(Glibc)
import Glibc
#endif

/// A tmux server on a socket of its own (the user's tmux is never touched), for driving
/// interactive sessions in tests: start one, type, resize, read the screen; `kill()` ends it.
public struct Tmux: Sendable {
    public static let path = "/usr/bin/tmux"
    public static var available: Bool { access(path, X_OK) == 0 }
    public let socket: String

    public init(_ name: String) { socket = "aksnet-\(name)-\(getpid())" }

    @discardableResult
    public func run(_ args: [String]) throws -> String {
        try Shell.run(Self.path, ["-L", socket] + args, timeout: 20).stdout
    }

    /// Waits until the pane of `session` shows `needle`; returns the last screen either way.
    public func waitFor(_ session: String, _ needle: String, timeout: Double = 10) throws -> String {
        let deadline = Spawn.now() + timeout
        var screen = ""
        while Spawn.now() < deadline {
            screen = try run(["capture-pane", "-p", "-t", session])
            if screen.contains(needle) { return screen }
            usleep(100_000)
        }
        return screen
    }

    public func kill() {
        _ = try? run(["kill-server"])
        unlink("/tmp/tmux-\(getuid())/\(socket)")
    }
}

/// The screens of one interactive tty session: a command that opens a remote `sh` is typed in a
/// fresh 80x24 bash pane; `stty size` is read, the pane is resized to 100x30 and read again,
/// Ctrl-D leaves, and `stty -g` before and after show whether the terminal was restored.
public struct TtyScenario: Sendable {
    public var first = ""
    public var resized = ""
    public var exited = ""
    public var sttyBefore = ""
    public var sttyAfter = ""

    /// `command` must open an interactive remote shell (e.g. `kubectl-aksnet exec -it POD -- sh`);
    /// `scratch` is a folder for the stty files.
    public static func run(_ command: String, scratch: String, tmux: Tmux) throws -> TtyScenario {
        let session = "tty"
        defer { tmux.kill() }
        try tmux.run(["new-session", "-d", "-s", session, "-x", "80", "-y", "24", "env", "PS1=$ ", "TERM=xterm", "bash", "--norc", "--noprofile"])
        try tmux.run(["send-keys", "-t", session, "stty -g > \(scratch)/stty-before; \(command); echo EXIT=$?", "Enter"])
        try tmux.run(["send-keys", "-t", session, "PS1='remote> '; stty size", "Enter"])
        var result = TtyScenario()
        // kubectl attach (run -it) sends the size +1 and then the real size to force a redraw
        // (kubectl's attach.go); a kubelet applies the two in order but not before stdin moves on,
        // so the first `stty size` may see 25 81. A user's next command sees the real size: ask again.
        result.first = try tmux.waitFor(session, "24 80", timeout: 4)
        for _ in 0..<4 where !result.first.contains("24 80") {
            try tmux.run(["send-keys", "-t", session, "stty size", "Enter"])
            result.first = try tmux.waitFor(session, "24 80", timeout: 4)
        }
        try tmux.run(["resize-window", "-t", session, "-x", "100", "-y", "30"])
        usleep(300_000)
        try tmux.run(["send-keys", "-t", session, "clear; stty size", "Enter"])
        result.resized = try tmux.waitFor(session, "30 100")
        try tmux.run(["send-keys", "-t", session, "C-d"])
        result.exited = try tmux.waitFor(session, "EXIT=0")
        try tmux.run(["send-keys", "-t", session, "stty -g > \(scratch)/stty-after", "Enter"])
        for _ in 0..<50 {
            result.sttyAfter = Self.read("\(scratch)/stty-after")
            if !result.sttyAfter.isEmpty { break }
            usleep(100_000)
        }
        result.sttyBefore = Self.read("\(scratch)/stty-before")
        return result
    }

    static func read(_ path: String) -> String {
        guard let file = fopen(path, "r") else { return "" }
        defer { fclose(file) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
