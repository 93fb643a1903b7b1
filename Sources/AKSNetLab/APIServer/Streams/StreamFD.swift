#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// File-descriptor helpers for stream sessions.
enum StreamFD {
    /// A pipe whose ends are closed on exec (children get copies through dup2 only).
    static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard Glibc.pipe(&fds) == 0 else { throw StreamSpawnError(message: "pipe: \(String(cString: strerror(errno)))") }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return (fds[0], fds[1])
    }

    /// A pty: the master (close-on-exec) and the slave's path. posix_openpt/grantpt/unlockpt/ptsname
    /// are not visible from Swift's Glibc: this is what they do on Linux (devpts).
    static func openPTY() throws -> (master: Int32, slavePath: String) {
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { throw StreamSpawnError(message: "open /dev/ptmx: \(String(cString: strerror(errno)))") }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        let TIOCSPTLCK: UInt = 0x4004_5431, TIOCGPTN: UInt = 0x8004_5430
        guard ioctl(master, TIOCSPTLCK, &unlock) == 0, ioctl(master, TIOCGPTN, &number) == 0 else {
            let why = String(cString: strerror(errno))
            close(master)
            throw StreamSpawnError(message: "pty: \(why)")
        }
        return (master, "/dev/pts/\(number)")
    }

    static func setWindowSize(_ fd: Int32, width: Int, height: Int) {
        var size = winsize(ws_row: UInt16(clamping: height), ws_col: UInt16(clamping: width), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(fd, UInt(TIOCSWINSZ), &size)
    }

    static func devNull() -> Int32 { open("/dev/null", O_RDWR | O_CLOEXEC) }

    /// Writes everything; false on an error (EPIPE when the reader went away).
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return Glibc.write(fd, base + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }
}
