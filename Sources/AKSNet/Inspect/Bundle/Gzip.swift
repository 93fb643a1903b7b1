import CZlib
#if canImport(Glibc)
import Glibc
#endif

/// Whole-buffer gzip through the system zlib (CZlib).
public enum Gzip {
    public static func compress(_ bytes: [UInt8]) -> [UInt8]? {
        var output: UnsafeMutablePointer<UInt8>?
        var produced = 0
        let rc = bytes.withUnsafeBufferPointer { czlib_gzip($0.baseAddress, $0.count, &output, &produced) }
        guard rc == 0, let output else { return nil }
        defer { czlib_release(output) }
        return Array(UnsafeBufferPointer(start: output, count: produced))
    }

    /// nil when `bytes` is not gzip (or zlib) data, is cut, or would pass `limit` bytes.
    public static func decompress(_ bytes: [UInt8], limit: Int = 1 << 30) -> [UInt8]? {
        var output: UnsafeMutablePointer<UInt8>?
        var produced = 0
        let rc = bytes.withUnsafeBufferPointer { czlib_gunzip($0.baseAddress, $0.count, max(1, limit), &output, &produced) }
        guard rc == 0, let output else { return nil }
        defer { czlib_release(output) }
        return Array(UnsafeBufferPointer(start: output, count: produced))
    }

    public static func isGzip(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b }
}

/// A gzip file written as it comes (0600, through zlib's gz stream on the descriptor).
final class GzipFile {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private var handle: UnsafeMutableRawPointer?

    init(path: String) throws(Failure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(description: String(cString: strerror(errno))) }
        guard fchmod(fd, 0o600) == 0, let handle = czlib_gz_fdopen(fd) else {
            let message = String(cString: strerror(errno))
            Glibc.close(fd)
            throw Failure(description: message)
        }
        self.handle = handle
    }

    func write(_ bytes: [UInt8]) throws(Failure) {
        guard let handle else { throw Failure(description: "closed") }
        let rc = bytes.withUnsafeBufferPointer { czlib_gz_write(handle, $0.baseAddress, $0.count) }
        guard rc == 0 else { throw Failure(description: "write failed (disk full?)") }
    }

    func close() throws(Failure) {
        guard let handle else { return }
        self.handle = nil
        guard czlib_gz_close(handle) == 0 else { throw Failure(description: "write failed on close (disk full?)") }
    }

    /// After a failure: close without caring (the partial file stays 0600).
    func abandon() {
        if let handle { _ = czlib_gz_close(handle) }
        handle = nil
    }

    deinit { abandon() }
}
