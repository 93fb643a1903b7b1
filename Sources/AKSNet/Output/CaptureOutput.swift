import KubeModel
#if canImport(Glibc)
import Glibc
#endif

/// Where capture bytes go: a file (created 0600 before the capture starts), stdout, or a
/// viewer's stdin (Wireshark or tshark). Writes are whole chunks; a closed reader (EPIPE:
/// `| head`, a closed Wireshark) makes `write` return false, which stops the capture.
public final class CaptureOutput: @unchecked Sendable {
    public enum Destination: Equatable, Sendable {
        case file(String)
        case stdout
        case viewer
    }

    public let destination: Destination
    public let description: String
    private var fd: Int32
    private var viewer: ViewerProcess?
    public private(set) var bytesWritten: Int64 = 0
    public private(set) var closedByReader = false

    private init(destination: Destination, fd: Int32, description: String, viewer: ViewerProcess? = nil) {
        self.destination = destination
        self.fd = fd
        self.description = description
        self.viewer = viewer
    }

    public static func open(_ destination: Destination) throws(SniffError) -> CaptureOutput {
        switch destination {
        case .stdout:
            return CaptureOutput(destination: .stdout, fd: 1, description: "stdout")
        case .file(let path):
            let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw SniffError.output("cannot write \(path): \(String(cString: strerror(errno)))") }
            // An existing file keeps its mode through O_CREAT: make it private too.
            fchmod(fd, 0o600)
            return CaptureOutput(destination: destination, fd: fd, description: path)
        case .viewer:
            let viewer = try ViewerProcess.start()
            return CaptureOutput(destination: .viewer, fd: viewer.stdinFD, description: viewer.name, viewer: viewer)
        }
    }

    /// Whether each packet must be flushed at once (a pipe or a terminal reads live).
    public var isLive: Bool {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return true }
        return (info.st_mode & S_IFMT) != S_IFREG
    }

    /// Writes all of `bytes`; false when the reader has gone (then nothing more is written).
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool {
        guard !closedByReader, fd >= 0 else { return false }
        var copy = bytes
        if StandardStreams.write(fd: fd, bytes: &copy) {
            bytesWritten += Int64(bytes.count)
            return true
        }
        closedByReader = true
        return false
    }

    /// Closes the file (fsync first) or the viewer's stdin, then waits for the viewer.
    public func close() {
        if case .file = destination, fd >= 0 {
            fsync(fd)
            Glibc.close(fd)
        } else if destination == .viewer, fd >= 0 {
            Glibc.close(fd)
            viewer?.wait()
        }
        fd = -1
    }
}
