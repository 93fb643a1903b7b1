import KubeModel
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// kubectl's `-v` levels: 6 logs each request's method, URL, status and time;
/// 7 adds request headers; 8 adds bodies (truncated); 9 adds response headers.
/// Credentials are never printed at any level.
public enum Log {
    private static let level = Atomic<Int>(0)

    public static var verbosity: Int {
        get { level.load(ordering: .relaxed) }
        set { level.store(newValue, ordering: .relaxed) }
    }

    public static func enabled(_ v: Int) -> Bool { verbosity >= v }

    public static func write(_ line: String) {
        let text = "I" + timestamp() + " aksnet] " + line + "\n"
        StandardStreams.writeError(text)
    }

    private static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var tm = tm()
        var seconds = ts.tv_sec
        gmtime_r(&seconds, &tm)
        func pad(_ v: Int32, _ n: Int = 2) -> String { let s = String(v); return String(repeating: "0", count: max(0, n - s.count)) + s }
        return "\(pad(tm.tm_mon + 1))\(pad(tm.tm_mday)) \(pad(tm.tm_hour)):\(pad(tm.tm_min)):\(pad(tm.tm_sec)).\(pad(Int32(ts.tv_nsec / 1000), 6))"
    }

    /// Header values with secrets masked, as kubectl's round-tripper debug does.
    public static func redact(header name: String, value: String) -> String {
        switch name.lowercased() {
        case "authorization", "proxy-authorization":
            if let space = value.firstIndex(of: " ") { return String(value[..<space]) + " <masked>" }
            return "<masked>"
        case "cookie", "set-cookie", "x-api-key":
            return "<masked>"
        default:
            return value
        }
    }
}
