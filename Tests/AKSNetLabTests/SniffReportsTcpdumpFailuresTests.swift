import TestSupport
import Foundation
import Testing

/// Issue 9's third defect: a tcpdump that fails at start is a failed sniff (exit 1, tcpdump's
/// own words) on every transport and mode, alone or beside other targets; and an image whose
/// tcpdump would drop privileges to a user it lacks works, since sniff keeps tcpdump as root (`-Z root`).
@Suite(.serialized) struct SniffReportsTcpdumpFailuresTests {
    static var plugin: String { PluginOnLabTests.plugin }
    static let broken = "aksnet/tcpdump-broken"
    static let nouser = "aksnet/tcpdump-nouser"

    @Test func aTcpdumpThatCannotStartFailsTheRun() throws {
        let lab = try LabCluster(["--nodes", "1"])
        defer { lab.down() }
        let node = try #require(try lab.nodes().first)
        try lab.run("a", node: node)
        var cases: [(String, [String])] = []
        for transport in ["port-forward", "exec"] {
            cases.append(("ephemeral over \(transport)", ["a", "--mode", "ephemeral", "--transport", transport]))
            cases.append(("node mode over \(transport)", ["a", "--mode", "node", "--transport", transport]))
            cases.append(("node over \(transport)", ["node/\(node)", "--transport", transport]))
        }
        cases.append(("two targets", ["a", "node/\(node)"]))
        for (name, args) in cases {
            let started = Date()
            let run = try Shell.run(Self.plugin, ["sniff"] + lab.kc + args + ["--image", Self.broken, "--duration", "20s", "-o", lab.dir + "/b.pcapng"],
                                    timeout: 90)
            let took = Date().timeIntervalSince(started)
            #expect(run.status == 1, "\(name): \(run)")
            #expect(run.stderr.contains("Couldn't find user 'aksnet-nouser'"), "\(name): tcpdump's words: \(run.stderr)")
            #expect(took < 20, "\(name): a failed start ends the run, it does not wait out --duration (\(took) s)")
        }
        let left = try lab.k(["get", "pods", "-A", "-l", "app.kubernetes.io/managed-by=kubectl-aksnet", "-o", "name"]).stdout
        #expect(left.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(left)")
        #expect(!(try SniffEndsItsContainersTests.noneRunning(lab, pod: "a")).values.contains("running"))
    }

    @Test func anImageWithoutTcpdumpsUserStillCaptures() throws {
        let lab = try LabCluster(["--nodes", "1"])
        defer { lab.down() }
        let node = try #require(try lab.nodes().first)
        try lab.run("a", node: node)
        let nodeIP = try lab.k(["get", "node", node, "-o", "jsonpath={.status.addresses[?(@.type==\"InternalIP\")].address}"]).stdout
        let pinger = try Background(Self.plugin, ["exec"] + lab.kc + ["a", "--", "ping", "-c", "300", "-i", "0.1", nodeIP])
        defer { _ = pinger.stop() }
        for (name, args) in [("ephemeral", ["a", "--transport", "port-forward"]), ("ephemeral/exec", ["a", "--transport", "exec"]),
                             ("node", ["node/\(node)"])] {
            let file = lab.dir + "/n-\(name.replacingOccurrences(of: "/", with: "-")).pcapng"
            let run = try Shell.run(Self.plugin, ["sniff"] + lab.kc + args + ["--image", Self.nouser, "-f", "icmp", "--count", "4", "-o", file],
                                    timeout: 60)
            #expect(run.status == 0, "\(name): \(run)")
            let read = try Shell.run("/usr/bin/tshark", ["-r", file], timeout: 20)
            #expect(read.status == 0 && read.stdout.contains("ICMP"), "\(name): \(read)")
        }
    }
}
