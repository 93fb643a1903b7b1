import AKSNet
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The local terminal for interactive sessions: raw mode that is restored
/// on every exit path (normal return, error, SIGTERM, SIGHUP, SIGINT), and
/// window-size changes delivered through a self-pipe. The stop signals belong to
/// `StopSignal` (the one owner): the terminal only hands it its restore.
enum Terminal {
    nonisolated(unsafe) private static var saved = termios()
    nonisolated(unsafe) private static var isRaw = false
    nonisolated(unsafe) private static var winchWriteFD: Int32 = -1
    nonisolated(unsafe) static var winchReadFD: Int32 = -1

    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) != 0 }

    static func size(of fd: Int32 = 1) -> (width: Int, height: Int)? {
        var ws = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0 else { return nil }
        return (Int(ws.ws_col), Int(ws.ws_row))
    }

    /// Puts fd 0 in raw mode; returns false when it is not a terminal.
    @discardableResult
    static func enterRaw() -> Bool {
        guard isTerminal(0), tcgetattr(0, &saved) == 0 else { return false }
        var raw = saved
        cfmakeraw(&raw)
        guard tcsetattr(0, TCSANOW, &raw) == 0 else { return false }
        isRaw = true
        StopSignal.setBeforeExit { Terminal.restoreNow() }
        StopSignal.endProcessOnSignals()
        return true
    }

    /// Leaves raw mode. The signals go back to their defaults only if no session holds them
    /// (an interactive jump keeps its stop handlers after its shell ends).
    static func restore() {
        restoreNow()
        StopSignal.setBeforeExit(nil)
        StopSignal.release()
    }

    /// Async-signal-safe: tcsetattr only.
    private static func restoreNow() {
        if isRaw {
            tcsetattr(0, TCSANOW, &saved)
            isRaw = false
        }
    }

    /// A pipe that becomes readable on SIGWINCH.
    static func watchWindowSize() -> Int32 {
        if winchReadFD >= 0 { return winchReadFD }
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return -1 }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        winchReadFD = fds[0]
        winchWriteFD = fds[1]
        signal(SIGWINCH) { _ in
            var byte: UInt8 = 1
            _ = write(Terminal.winchWriteFD, &byte, 1)
        }
        return winchReadFD
    }
}
