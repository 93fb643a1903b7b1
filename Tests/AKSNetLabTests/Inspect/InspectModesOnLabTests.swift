import Foundation
import TestSupport
import Testing

/// Azure CNI and overlay labs: the collectors see each mode's own files and ping what that mode
/// routes (a Running pod's IP on the peer: a VNet IP on Azure CNI, an overlay IP on overlay).
@Suite(.serialized) struct InspectModesOnLabTests {
    @Test func azureCNIWithAzureNPM() throws {
        let lab = try InspectLab(["--nodes", "2", "--network-plugin", "azure", "--network-policy", "azure"])
        defer { lab.down() }
        let nodes = try lab.cluster.nodes()
        try lab.cluster.run("a", node: nodes[0])
        try lab.cluster.run("b", node: nodes[1])
        let bundle = lab.dir + "/azure.tar.gz"
        let run = try lab.inspect(["-o", "json", "--bundle", bundle])
        #expect(run.status == 0, "\(run)")
        let evidence = try InspectLab.evidence(bundle)
        let podB = try lab.cluster.podIP("b")
        #expect(InspectLab.output(evidence, nodes[0], "cni-config")?.contains("10-azure.conflist") == true)
        #expect(InspectLab.output(evidence, nodes[0], "cni-state")?.contains("==> /var/run/azure-vnet.json <==") == true)
        #expect(InspectLab.output(evidence, nodes[0], "pod-network-probe") == "\(nodes[1]) \(podB) ok\n")
        let report = InspectLab.findings(run.stdout)
        #expect(!report.contains { $0["severity"] as? String == "error" }, "\(report)")
        #expect(InspectLab.clusterFact(run.stdout, "networkMode") == "azure-cni-node-subnet")
        #expect(InspectLab.clusterFact(run.stdout, "kubeProxyMode") == "iptables")
        #expect(InspectLab.clusterFact(run.stdout, "policyEngine") == "azure-npm")
    }

    @Test func overlay() throws {
        let lab = try InspectLab(["--nodes", "2", "--network-plugin", "overlay"])
        defer { lab.down() }
        let nodes = try lab.cluster.nodes()
        try lab.cluster.run("a", node: nodes[0])
        try lab.cluster.run("b", node: nodes[1])
        let bundle = lab.dir + "/overlay.tar.gz"
        let run = try lab.inspect(["-o", "json", "--bundle", bundle])
        #expect(run.status == 0, "\(run)")
        let evidence = try InspectLab.evidence(bundle)
        #expect(InspectLab.output(evidence, nodes[0], "cni-config")?.contains("15-azure-swift-overlay.conflist") == true)
        #expect(InspectLab.output(evidence, nodes[0], "pod-network-probe") == "\(nodes[1]) \(try lab.cluster.podIP("b")) ok\n")
        #expect(InspectLab.clusterFact(run.stdout, "networkMode") == "azure-cni-overlay")
        #expect(!InspectLab.findings(run.stdout).contains { $0["severity"] as? String == "error" })
    }
}
