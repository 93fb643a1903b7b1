import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Why a session stops early: a signal (SIGINT, SIGTERM, SIGHUP) caught once for the whole
/// process. The handlers only store into an atomic (async-signal-safe); the session's loops poll it.
public enum StopSignal {
    private static let caught = Atomic<Int32>(0)

    /// Installs handlers for SIGINT, SIGTERM and SIGHUP (SIGPIPE stays ignored: a closed stdout
    /// shows up as EPIPE on write). A third signal ends the process at once.
    public static func install() {
        for signo in [SIGINT, SIGTERM, SIGHUP] {
            signal(signo) { number in
                let previous = StopSignal.caught.exchange(number, ordering: .relaxed)
                if previous != 0 { StopSignal.repeats.add(1, ordering: .relaxed) }
                if StopSignal.repeats.load(ordering: .relaxed) >= 2 { _exit(128 + number) }
            }
        }
    }

    private static let repeats = Atomic<Int32>(0)

    /// The signal caught, or 0.
    public static var received: Int32 { caught.load(ordering: .relaxed) }
    public static var isSet: Bool { received != 0 }

    /// For tests and for in-process stops (a closed stdout).
    public static func raiseStop(_ number: Int32) { _ = caught.compareExchange(expected: 0, desired: number, ordering: .relaxed) }

    public static func name(_ number: Int32) -> String {
        switch number {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        case SIGHUP: return "SIGHUP"
        case SIGPIPE: return "SIGPIPE"
        default: return "signal \(number)"
        }
    }
}
