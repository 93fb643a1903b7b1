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

    /// Dual-stack kubenet with Calico: mode, kube-proxy mode, policy engine and families named, no
    /// error, and the data path told with this lab's own node address and podCIDR.
    @Test func dualStackKubenetWithCalico() throws {
        let lab = try InspectLab(["--nodes", "2", "--ip-family", "dual", "--network-policy", "calico"])
        defer { lab.down() }
        let nodes = try lab.cluster.nodes()
        let run = try lab.inspect(["-o", "json", "--quiet"])
        #expect(run.status == 0, "\(run)")
        #expect(InspectLab.clusterFact(run.stdout, "networkMode") == "kubenet")
        #expect(InspectLab.clusterFact(run.stdout, "kubeProxyMode") == "iptables")
        #expect(InspectLab.clusterFact(run.stdout, "policyEngine") == "calico")
        #expect(InspectLab.clusterFact(run.stdout, "ipFamilies") == "dual")
        #expect(!InspectLab.findings(run.stdout).contains { $0["severity"] as? String == "error" }, "\(run.stdout.prefix(2000))")
        // Dual-stack: an IPv4 and an IPv6 InternalIP, the IPv4 one first.
        let ips = try lab.cluster.k(["get", "node", nodes[0], "-o", #"jsonpath={.status.addresses[?(@.type=="InternalIP")].address}"#]).stdout
        #expect(ips.split(separator: " ").count == 2, "\(ips)")
        let ip = String(ips.split(separator: " ").first ?? "")
        let cidr = try lab.cluster.k(["get", "node", nodes[0], "-o", "jsonpath={.spec.podCIDR}"]).stdout
        let report = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any]
        let json = String(data: (try? JSONSerialization.data(withJSONObject: report?["dataPath"] ?? [:])) ?? Data(), encoding: .utf8) ?? ""
        let path = json.replacingOccurrences(of: "\\/", with: "/")  // JSONSerialization writes / as \/
        #expect(!ip.isEmpty && !cidr.isEmpty && path.contains(ip) && path.contains(cidr), "data path: \(path.prefix(1500))")
        #expect(path.contains("cbr0"), "the bridge by its name")
    }
}
