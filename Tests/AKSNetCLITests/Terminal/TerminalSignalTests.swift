import AKSNet
@testable import AKSNetCLI
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// StopSignal owns SIGINT, SIGTERM and SIGHUP; leaving raw mode must not take a session's
/// handlers away (an interactive jump would then die on Ctrl-C with its helpers left behind).
/// No signal is raised here: the disposition is read back with sigaction.
@Suite(.serialized) struct TerminalSignalTests {
    static func isDefault(_ signo: Int32) -> Bool {
        var current = sigaction()
        sigaction(signo, nil, &current)
        return current.__sigaction_handler.sa_handler == nil
    }

    @Test func restoreGivesBackOnlyWhatNoSessionHolds() {
        // Without a session (exec -t): the terminal's handlers end the process, restore gives the defaults back.
        if StopSignal.currentOwner != .session {
            StopSignal.endProcessOnSignals()
            #expect(StopSignal.currentOwner == .endProcess)
            #expect(StopSignal.handled.allSatisfy { !Self.isDefault($0) })
            Terminal.restore()
            #expect(StopSignal.currentOwner == .none)
            #expect(StopSignal.handled.allSatisfy(Self.isDefault))
        }
        // With a session: raw mode and its restore leave the session's handlers in place.
        StopSignal.install()
        StopSignal.endProcessOnSignals()
        #expect(StopSignal.currentOwner == .session)
        Terminal.restore()
        #expect(StopSignal.currentOwner == .session)
        #expect(StopSignal.handled.allSatisfy { !Self.isDefault($0) }, "Terminal.restore removed the session's handlers")
        #expect(!StopSignal.isSet)
    }
}
