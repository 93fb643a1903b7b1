#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Unbuffered writes to fd 1 and 2 (results to stdout, progress and logs to stderr).
public enum StandardStreams {
    public static func writeError(_ text: String) { write(fd: 2, text) }
    public static func writeOutput(_ text: String) { write(fd: 1, text) }

    /// Writes everything, retrying short writes; false when the reader is gone (EPIPE).
    @discardableResult
    public static func write(fd: Int32, _ text: String) -> Bool {
        var bytes = Array(text.utf8)
        return write(fd: fd, bytes: &bytes)
    }

    @discardableResult
    public static func write(fd: Int32, bytes: inout [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return Glibc.write(fd, base + offset, buffer.count - offset)
            }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return false
            }
            offset += n
        }
        return true
    }

    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) != 0 }
}
