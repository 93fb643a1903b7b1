@testable import AKSNet
import Foundation
import Testing

/// A capture of a real running lab (Fixtures/capture-lab.sh LAB OUT), analysed:
/// AKSNET_INSPECT_CAPTURE=OUT and AKSNET_INSPECT_EXPECT=ID:NODE (or `healthy`) say what it must show.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["AKSNET_INSPECT_CAPTURE"] != nil))
struct InspectCapturedLabTests {
    @Test func theCaptureShowsWhatIsExpected() throws {
        let environment = ProcessInfo.processInfo.environment
        let directory = URL(fileURLWithPath: try #require(environment["AKSNET_INSPECT_CAPTURE"]))
        let report = InspectAnalyzer.analyze(try CapturedLab.evidence(directory))
        print(InspectRenderer.render(report, format: .text, color: false))
        let expect = environment["AKSNET_INSPECT_EXPECT"] ?? "healthy"
        if expect == "healthy" {
            #expect(report.findings.filter { $0.severity == .error }.isEmpty)
            #expect(report.exitCode == 0)
        } else {
            let parts = expect.split(separator: ":").map(String.init)
            let finding = try #require(report.findings(parts[0]).first)
            #expect(finding.severity == .error)
            if parts.count > 1 { #expect(finding.nodes.first?.hasSuffix(parts[1]) == true, "\(finding.nodes)") }
            #expect(report.exitCode == 3)
            #expect(report.findings.filter { $0.severity == .error && $0.id != parts[0] }.isEmpty,
                    "\(report.findings.filter { $0.severity == .error }.map(\.title))")
        }
    }
}

/// Captures of a real 3-node kubenet lab (Fixtures/lab-kubenet-3nodes, made with capture-lab.sh:
/// healthy, then each `fault set` scenario, one at a time; pods p0..p2 one per node). The lab's
/// own break names the node; the report must name it too, with no other error.
@Suite struct InspectCapturedKubenetLabTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/lab-kubenet-3nodes")
    static let scenarios: [(String, String?)] = [
        ("healthy", nil), ("missing-route", "vmss000001"), ("ip-forward-off", "vmss000002"), ("no-masquerade", "vmss000000"),
        ("mtu-mismatch", "vmss000001"), ("policy-drop", "vmss000002"), ("conntrack-full", "vmss000000"),
    ]

    @Test(arguments: scenarios) func eachCapturedScenario(scenario: String, node: String?) throws {
        let report = InspectAnalyzer.analyze(try CapturedLab.evidence(Self.root.appendingPathComponent(scenario)))
        #expect(report.cluster.networkMode == .kubenet && report.cluster.kubeProxyMode == .iptables && report.cluster.policyEngine == PolicyEngine.none)
        #expect(report.nodes.count == 3 && report.nodes.allSatisfy { $0.collected && $0.podCIDRs.count == 1 })
        let errors = report.findings.filter { $0.severity == .error }
        // The lab runs no CoreDNS: kube-dns's two chains are empty on every node, one finding for all three.
        #expect(report.findings("svc-chain-no-sep").map(\.nodes.count) == [3])
        #expect(report.findings("service-no-endpoints").map(\.title) == ["Service kube-system/kube-dns has no ready endpoints"])
        guard let node else {
            #expect(errors.isEmpty, "\(errors.map(\.title))")
            #expect(report.exitCode == 0)
            return
        }
        #expect(errors.map(\.id) == [scenario], "\(errors.map(\.title))")
        #expect(errors.first?.nodes.first?.hasSuffix(node) == true)
        #expect(errors.first?.evidence.isEmpty == false)
        #expect(report.exitCode == 3)
    }
}
