@testable import AKSNet
import KubeModel
import Testing

/// Each lab `--break` scenario, on lab-shaped evidence: the finding id the lab's scenario names,
/// severity error, the broken node named, its evidence line quoted, exit code 3. A healthy lab
/// of every plugin has no error finding.
@Suite struct InspectLabScenarioTests {
    static let plugins: [LabEvidence.Plugin] = [.kubenet, .azure, .overlay]

    @Test(arguments: plugins) func aHealthyLabHasNoErrorFinding(plugin: LabEvidence.Plugin) {
        let report = InspectAnalyzer.analyze(LabEvidence(plugin: plugin).evidence)
        let errors = report.findings.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors.map { "\($0.id): \($0.title)" })")
        #expect(report.exitCode == 0)
        #expect(!report.findings.contains { $0.severity == .warning }, "\(report.findings.filter { $0.severity == .warning }.map(\.title))")
    }

    struct Case: CustomStringConvertible, Sendable {
        var id: String
        var brk: LabEvidence.Break
        var node: Int
        var quoted: String
        var description: String { id }
    }

    static let cases: [Case] = [
        Case(id: "missing-route", brk: .missingRoute(1), node: 1, quoted: " fail"),
        Case(id: "ip-forward-off", brk: .ipForwardOff(2), node: 2, quoted: "net.ipv4.ip_forward = 0"),
        Case(id: "no-masquerade", brk: .noMasquerade(0), node: 0, quoted: "-A POSTROUTING"),
        Case(id: "mtu-mismatch", brk: .mtuMismatch(1), node: 1, quoted: "eth0: mtu 1400"),
        Case(id: "policy-drop", brk: .policyDrop(1), node: 1, quoted: "-A AKSNET-POLICY-DROP"),
        Case(id: "conntrack-full", brk: .conntrackFull(0), node: 0, quoted: "--ctstate NEW"),
        Case(id: "conntrack-full", brk: .realConntrackFull(2), node: 2, quoted: "nf_conntrack: table full"),
    ]

    @Test(arguments: plugins, cases) func eachBreakIsFoundOnItsNode(plugin: LabEvidence.Plugin, test: Case) throws {
        let lab = LabEvidence(plugin: plugin, breaks: [test.brk])
        let report = InspectAnalyzer.analyze(lab.evidence)
        let finding = try #require(report.findings(test.id).first, "\(report.findings.map(\.id))")
        #expect(finding.severity == .error)
        #expect(finding.nodes.first == lab.name(test.node))
        #expect(finding.evidence.contains { $0.text.contains(test.quoted) }, "\(finding.evidence.map(\.text))")
        #expect(!finding.fix.isEmpty)
        #expect(report.exitCode == 3)
        // Only this break's error: no other error finding blames a node.
        let others = report.findings.filter { $0.severity == .error && $0.id != test.id }
        #expect(others.isEmpty, "\(others.map { "\($0.id): \($0.title)" })")
    }

    @Test func missingRouteNamesThePeersThatFailedAndTheRouteToRestore() throws {
        let lab = LabEvidence(plugin: .kubenet, nodes: 3, breaks: [.missingRoute(1)])
        let finding = try #require(InspectAnalyzer.analyze(lab.evidence).findings("missing-route").first)
        #expect(finding.nodes == [lab.name(1), lab.name(0), lab.name(2)])
        #expect(finding.evidence.count == 2)
        #expect(finding.evidence.allSatisfy { $0.source == CollectorCommands.podNetworkProbe && $0.line == 1 || $0.line == 2 })
        #expect(finding.fix.contains("10.244.1.0/24") && finding.fix.contains("10.224.0.5"))
    }

    @Test func evidenceLinesPointAtTheRealLineOfTheDump() throws {
        let lab = LabEvidence(plugin: .kubenet, breaks: [.policyDrop(1)])
        let evidence = lab.evidence
        let finding = try #require(InspectAnalyzer.analyze(evidence).findings("policy-drop").first)
        let line = try #require(finding.evidence.first)
        let dump = try #require(evidence.node(lab.name(1))?.run(CollectorCommands.iptablesSave)?.output)
        let lines = dump.split(separator: "\n", omittingEmptySubsequences: false)
        let number = try #require(line.line)
        #expect(String(lines[number - 1]) == line.text)
        #expect(line.source == CollectorCommands.iptablesSave)
    }

    @Test func networkUnavailableFromTheAPIIsAMissingRouteWithoutProbes() throws {
        var evidence = LabEvidence(plugin: .kubenet, nodes: 2).evidence
        evidence.nodes = evidence.nodes.map { node in
            var node = node
            node.runs.removeAll { $0.id == CollectorCommands.podNetworkProbe }
            return node
        }
        let items = try #require(evidence.api[APIEvidenceKeys.nodes]?["items"]?.arrayValue)
        let changed = items.enumerated().map { i, node in
            i == 0 ? node.setting(["status", "conditions"], to: [["type": "Ready", "status": "True"],
                                                                   ["type": "NetworkUnavailable", "status": "True", "reason": "NoRouteCreated"]]) : node
        }
        evidence.api[APIEvidenceKeys.nodes] = ["items": .array(changed)]
        let finding = try #require(InspectAnalyzer.analyze(evidence).findings("missing-route").first)
        #expect(finding.nodes == ["aks-nodepool1-12345678-vmss000000"])
        #expect(finding.evidence.first?.text.contains("NetworkUnavailable=True (NoRouteCreated)") == true)
    }

    @Test func forwardingOffIsNotAlsoReportedAsAMissingRoute() {
        let report = InspectAnalyzer.analyze(LabEvidence(plugin: .kubenet, breaks: [.ipForwardOff(1)]).evidence)
        #expect(report.findings("ip-forward-off").count == 1)
        #expect(report.findings("missing-route").isEmpty)
    }

    /// In a 2-node lab a full node's own failing probes must not make its one peer look unreachable.
    @Test func conntrackFullInATwoNodeLabIsNotAlsoAMissingRoute() {
        let report = InspectAnalyzer.analyze(LabEvidence(plugin: .kubenet, nodes: 2, breaks: [.conntrackFull(0)]).evidence)
        #expect(report.findings("conntrack-full").map(\.nodes) == [["aks-nodepool1-12345678-vmss000000"]])
        #expect(report.findings("missing-route").isEmpty)
    }

    @Test func dualStackForwardingOffQuotesBothFamilies() throws {
        let report = InspectAnalyzer.analyze(LabEvidence(plugin: .kubenet, dual: true, breaks: [.ipForwardOff(0)]).evidence)
        let finding = try #require(report.findings("ip-forward-off").first)
        #expect(finding.evidence.map(\.text) == ["net.ipv4.ip_forward = 0", "net.ipv6.conf.all.forwarding = 0"])
        #expect(report.cluster.ipFamilies == .dual)
    }
}
