import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The one owner of SIGINT, SIGTERM and SIGHUP for the whole process. Two ways to own them:
/// - a session (`install`): a signal only stores into an atomic (async-signal-safe) and the
///   session's loops poll it, stop, and delete their helpers; a third signal ends the process;
/// - no session, only a raw terminal (`endProcessOnSignals`): a signal restores the terminal
///   and ends the process as the default disposition would.
/// Whoever puts the terminal in raw mode registers its restore as `beforeExit`, run (in the
/// handler) before a signal ends the process either way; `release` gives the signals back to
/// their defaults only when no session holds them, so leaving raw mode inside a session (an
/// interactive jump) cannot remove the session's handlers.
public enum StopSignal {
    private static let caught = Atomic<Int32>(0)
    private static let repeats = Atomic<Int32>(0)
    /// Which handlers are installed (an `Owner` raw value).
    private static let owner = Atomic<Int32>(Owner.none.rawValue)
    /// Async-signal-safe work before a signal ends the process (the terminal's restore).
    nonisolated(unsafe) private static var beforeExitHook: (@convention(c) () -> Void)?

    public static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    public enum Owner: Int32, Sendable {
        case none = 0, session, endProcess
    }

    public static var currentOwner: Owner { Owner(rawValue: owner.load(ordering: .relaxed)) ?? .none }

    /// Installs the session's handlers (SIGPIPE stays ignored: a closed stdout shows up as EPIPE
    /// on write). A third signal ends the process at once.
    public static func install() {
        owner.store(Owner.session.rawValue, ordering: .relaxed)
        for signo in handled {
            signal(signo) { number in
                let previous = StopSignal.caught.exchange(number, ordering: .relaxed)
                if previous != 0 { StopSignal.repeats.add(1, ordering: .relaxed) }
                if StopSignal.repeats.load(ordering: .relaxed) >= 2 {
                    StopSignal.beforeExitHook?()
                    _exit(128 + number)
                }
            }
        }
    }

    /// Without a session: a signal runs `beforeExit` and ends the process with the signal's
    /// default disposition. A session's handlers, when installed, stay (they already end the
    /// process cleanly and run `beforeExit` on a third signal).
    /// SIGQUIT is not a stop request: it always ends the process, after `beforeExit`.
    public static func endProcessOnSignals() {
        let session = currentOwner == .session
        if !session { owner.store(Owner.endProcess.rawValue, ordering: .relaxed) }
        for signo in session ? [SIGQUIT] : handled + [SIGQUIT] {
            signal(signo) { number in
                StopSignal.beforeExitHook?()
                signal(number, SIG_DFL)
                raise(number)
            }
        }
    }

    /// Sets (or clears, with nil) what runs before a signal ends the process. It runs inside a
    /// signal handler: only async-signal-safe calls (tcsetattr, write).
    public static func setBeforeExit(_ hook: (@convention(c) () -> Void)?) {
        beforeExitHook = hook
    }

    /// Gives the signals back to their defaults, unless a session owns them.
    public static func release() {
        signal(SIGQUIT, SIG_DFL)
        guard currentOwner == .endProcess else { return }
        for signo in handled { signal(signo, SIG_DFL) }
        owner.store(Owner.none.rawValue, ordering: .relaxed)
    }

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
