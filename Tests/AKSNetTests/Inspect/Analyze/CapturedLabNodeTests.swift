@testable import AKSNet
import Foundation
import KubeModel
import Testing

/// Outputs captured verbatim from a running kubenet lab node's namespace (`ip netns exec … iptables-save -c`,
/// `ip -j addr`, …; Fixtures/lab-kubenet-node1). That lab had two breaks applied at the time
/// (forwarding off, ip-masq-agent's MASQUERADE removed) and kube-dns without endpoints: the real
/// text must give those findings, with the lines as the tools printed them.
@Suite struct InspectCapturedLabNodeTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/lab-kubenet-node1")
    static let node = "aks-nodepool1-30524173-vmss000000"

    static func file(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    static func evidence() throws -> ClusterEvidence {
        let files: [(String, String)] = [
            (CollectorCommands.iptablesSave, "iptables-save.txt"), (CollectorCommands.ipAddr, "ip-addr.json"),
            (CollectorCommands.ipLink, "ip-link.json"), (CollectorCommands.ipRoute, "ip-route.json"),
            (CollectorCommands.sysctls, "sysctls.txt"), (CollectorCommands.conntrackStats, "conntrack-stats.txt"),
            (CollectorCommands.conntrackCount, "conntrack-count.txt"), (CollectorCommands.conntrackMax, "conntrack-max.txt"),
            (CollectorCommands.netSNMP, "net-snmp.txt"), (CollectorCommands.socketSummary, "ss-summary.txt"),
        ]
        let runs = try files.map { CommandRun(id: $0.0, argv: [$0.0], exitCode: 0, durationMs: 1, output: try file($0.1)) }
        let nodeObject: JSONValue = [
            "metadata": ["name": .string(node), "labels": ["kubernetes.io/os": "linux", "kubernetes.azure.com/agentpool": "nodepool1",
                                                          "kubernetes.azure.com/network-policy": "none"]],
            "spec": ["podCIDR": "10.244.0.0/24", "podCIDRs": ["10.244.0.0/24"]],
            "status": ["addresses": [["type": "InternalIP", "address": "10.224.0.4"]], "conditions": [["type": "Ready", "status": "True"]]],
        ]
        return ClusterEvidence(collectedAt: "2026-12-05T18:27:47Z", api: [APIEvidenceKeys.nodes: ["items": [nodeObject]]],
                               nodes: [NodeEvidence(node: node, collected: true, runs: runs)])
    }

    @Test func theRealOutputsParse() throws {
        let state = NodeState(try Self.evidence().nodes[0])
        #expect(state.iptables?.table("nat")?.rules.count == 11)
        #expect(state.iptables?.skippedLines == 0)
        #expect(state.interfaces?.map(\.name) == ["lo", "eth0", "cbr0"])
        #expect(state.interfaces?.first { $0.name == "cbr0" }?.kind == "bridge")
        #expect(state.routes?.first?.destination == "default")
        #expect(state.sysctl("net.ipv4.ip_forward")?.line == 1)
        #expect(state.conntrackStats?.cpus == 2)
        #expect(state.conntrackMax == 262144)
        #expect(state.netSNMP["Udp"]?.counters["RcvbufErrors"] == 0)
        #expect(SocketSummaryParser.parse(try Self.file("ss-summary.txt")).tcpStates["closed"] == 24)
    }

    @Test func theLabsBreaksAreFoundInTheRealText() throws {
        let report = InspectAnalyzer.analyze(try Self.evidence())
        #expect(report.cluster.networkMode == .kubenet)
        #expect(report.cluster.kubeProxyMode == .iptables)
        let forward = try #require(report.findings("ip-forward-off").first)
        #expect(forward.evidence.map(\.text) == ["net.ipv4.ip_forward = 0"])
        let masquerade = try #require(report.findings("no-masquerade").first)
        #expect(masquerade.evidence.contains { $0.text.hasPrefix("[2:168] -A IP-MASQ-AGENT -d 10.244.0.0/16") && $0.line == 17 })
        #expect(report.findings("svc-chain-no-sep").first?.evidence.count == 2)
        #expect(report.exitCode == 3)
        let nic = report.nodes.first?.interfaces.first { $0.role == .nic }
        #expect(nic?.name == "eth0" && nic?.addresses == ["10.224.0.4/24"])
    }
}
