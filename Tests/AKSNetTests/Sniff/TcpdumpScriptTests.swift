@testable import AKSNet
import Foundation
import TestSupport
import Testing

/// The port-forward transport's script, run by a real `sh` with the real tcpdump: tcpdump's
/// own exit status comes back on stderr, whatever socat's is, and `-Z root` keeps tcpdump from
/// dropping to a user the image may not have.
struct TcpdumpScriptTests {
    static func runScript(interface: String, flags: String) throws -> (ProcessResult, TcpdumpReport) {
        let environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "AKSNET_IF": interface, "AKSNET_SNAPLEN": "96",
                           "AKSNET_FLAGS": flags, "AKSNET_FILTER": "icmp and host 192.0.2.1"]
        let result = try Shell.run("/bin/sh", ["-c", "exec 1>/dev/null; " + TcpdumpInvocation.socatScript], environment: environment, timeout: 20)
        var report = TcpdumpReport()
        report.feed(Array(result.stderr.utf8))
        report.finish()
        return (result, report)
    }

    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/tcpdump")))
    func aFailingTcpdumpReportsItsStatus() throws {
        let (_, missing) = try Self.runScript(interface: "aksnet-none0", flags: "-Z root -c 1")
        #expect(missing.exitStatus == 1, "\(missing)")
        #expect(missing.pid != nil && !missing.listening)
        #expect(missing.messages.contains { $0.contains("aksnet-none0") }, "\(missing.messages)")
        let (_, nouser) = try Self.runScript(interface: "lo", flags: "-Z aksnet-nouser -c 1")
        #expect(nouser.exitStatus == 1 && nouser.messages.contains { $0.contains("Couldn't find user 'aksnet-nouser'") }, "\(nouser)")
    }

    @Test func reportTakesTheExitLine() {
        var report = TcpdumpReport()
        report.feed(Array("aksnet-pid 12\ntcpdump: Couldn't find user 'tcpdump'\naksnet-exit 1\n".utf8))
        report.finish()
        #expect(report.pid == 12 && report.exitStatus == 1)
        #expect(report.messages == ["tcpdump: Couldn't find user 'tcpdump'"])
        #expect(TcpdumpInvocation.socatScript.contains("& p=$!") && !TcpdumpInvocation.socatScript.contains(","))
    }
}
