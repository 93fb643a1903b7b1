@testable import AKSNet
import Foundation
import Testing
import TestSupport

/// The collector script run by this machine's /bin/sh (dash), outside any pod: no /host, so
/// it reads this machine's own state (reads only). Every command id is framed and parsed
/// back, a missing program is a recorded 127, the per-command limit cuts and marks, and the
/// probe pings each peer once.
@Suite struct CollectorScriptTests {
    static func run(limit: Int = 1 << 20, peers: [ProbePeer] = []) throws -> (runs: [CommandRun], result: ProcessResult) {
        let nonce = "feedfacecafebeef"
        let argv = CollectorScript.argv(nonce: nonce, commandLimit: limit, peers: peers)
        let result = try Shell.run("/bin/sh", Array(argv.dropFirst()), timeout: 120)
        return (CollectorStream.parse(result.stdout, nonce: nonce), result)
    }

    @Test func everyCommandIsFramedAndParsedBack() throws {
        let (runs, result) = try Self.run(peers: [ProbePeer(node: "self", address: "127.0.0.1"), ProbePeer(node: "none", address: "-")])
        #expect(result.status == 0, "\(result.stderr)")
        let ids = Set(runs.map(\.id))
        for id in [CollectorCommands.ipAddr, CollectorCommands.ipLink, CollectorCommands.ipRoute, CollectorCommands.ip6Route,
                   CollectorCommands.ipRule, CollectorCommands.ip6Rule, CollectorCommands.ipNeigh, CollectorCommands.iptablesSave,
                   CollectorCommands.ip6tablesSave, CollectorCommands.nftRuleset, CollectorCommands.ipvsadm,
                   CollectorCommands.conntrackStats, CollectorCommands.conntrackCount, CollectorCommands.conntrackMax,
                   CollectorCommands.sysctls, CollectorCommands.cniConfig, CollectorCommands.cniState, CollectorCommands.resolvConf,
                   CollectorCommands.localDNSCorefile, CollectorCommands.socketSummary, CollectorCommands.kernelConntrackLog,
                   CollectorCommands.kubeProxyMode, CollectorCommands.podNetworkProbe] {
            #expect(ids.contains(id), "no run \(id)")
        }
        #expect(runs.allSatisfy { !$0.truncated }, "\(runs.filter(\.truncated).map(\.id))")
        let link = try #require(runs.first { $0.id == CollectorCommands.ipLink })
        #expect(link.exitCode == 0 && link.output.hasPrefix("[") && link.argv == ["ip", "-j", "-d", "link", "show"])
        let sysctls = try #require(runs.first { $0.id == CollectorCommands.sysctls })
        #expect(sysctls.output.contains("net.ipv4.ip_forward = "), "\(sysctls.output)")
        let probe = try #require(runs.first { $0.id == CollectorCommands.podNetworkProbe })
        #expect(Set(probe.output.split(separator: "\n")) == ["self 127.0.0.1 ok", "none - skip"], "\(probe.output)")
        // Not on this machine: recorded, not fatal.
        let ipvsadm = try #require(runs.first { $0.id == CollectorCommands.ipvsadm })
        if !FileManager.default.fileExists(atPath: "/usr/sbin/ipvsadm") { #expect(ipvsadm.exitCode == 127, "\(ipvsadm)") }
        let localDNS = try #require(runs.first { $0.id == CollectorCommands.localDNSCorefile })
        #expect(localDNS.exitCode == 1 && localDNS.stderr.hasPrefix("not found"), "\(localDNS)")
        #expect(runs.allSatisfy { $0.durationMs >= 0 && $0.durationMs < 120_000 })
    }

    @Test func theCommandLimitCutsAndMarks() throws {
        let (runs, _) = try Self.run(limit: 1024)
        let link = try #require(runs.first { $0.id == CollectorCommands.ipLink })
        #expect(link.truncated && link.output.hasSuffix("# aksnet: output cut at 1024 bytes"), "\(link.output.suffix(80))")
        #expect(link.output.utf8.count <= 1024 + 40)
    }

    @Test func theScriptHoldsNoArgument() {
        // What varies travels as argv: the script text is the same for every run.
        let a = CollectorScript.argv(nonce: "1", commandLimit: 5, peers: [ProbePeer(node: "$(reboot)", address: "`x`")])
        #expect(a[2] == CollectorScript.script && a.suffix(2) == ["$(reboot)", "`x`"] && a[5] == "1024")
    }
}
