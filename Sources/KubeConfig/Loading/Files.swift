#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small file helpers over libc, so the plugin needs no Foundation for I/O.
public enum Files {
    public struct ReadError: Error, Sendable, Equatable, CustomStringConvertible {
        public let path: String
        public let reason: String
        public let isMissing: Bool
        public var description: String { "open \(path): \(reason)" }
    }

    /// Reads a whole file; at most `limit` bytes (kubeconfigs, certs and tokens are small).
    public static func read(_ path: String, limit: Int = 64 << 20) -> Result<[UInt8], ReadError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            return .failure(ReadError(path: path, reason: errorText(code), isMissing: code == ENOENT))
        }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(ReadError(path: path, reason: errorText(errno), isMissing: false))
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
            if out.count > limit { return .failure(ReadError(path: path, reason: "file too large", isMissing: false)) }
        }
        return .success(out)
    }

    public static func readString(_ path: String) -> Result<String, ReadError> {
        read(path).map { String(decoding: $0, as: UTF8.self) }
    }

    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    public static func isExecutable(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG && access(path, X_OK) == 0
    }

    public static func errorText(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file or directory"
        case EACCES: return "permission denied"
        case EISDIR: return "is a directory"
        default: return String(cString: strerror(code)).lowercased()
        }
    }

    /// The current directory, for making relative paths absolute.
    public static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Path arithmetic like Go's filepath (enough for kubeconfig rules).
public enum Paths {
    public static func isAbsolute(_ path: String) -> Bool { path.hasPrefix("/") }

    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    public static func join(_ base: String, _ relative: String) -> String {
        if isAbsolute(relative) { return clean(relative) }
        return clean(base + "/" + relative)
    }

    /// Lexical clean: removes `.`, `..` and duplicate slashes.
    public static func clean(_ path: String) -> String {
        let absolute = isAbsolute(path)
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            if part == "..", absolute { continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    public static func makeAbsolute(_ path: String, cwd: String) -> String {
        isAbsolute(path) ? clean(path) : join(cwd, path)
    }
}
