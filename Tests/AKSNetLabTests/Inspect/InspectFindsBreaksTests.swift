import Foundation
import TestSupport
import Testing

/// Every `--break` scenario on one 3-node kubenet lab, some from `up`, some switched on at run
/// time with `fault set`: node1 has no-masquerade and a policy drop; node2 has ip-forward-off,
/// mtu-mismatch and conntrack-full; node3 has missing-route alone (probes from a node whose own
/// state explains failures, node2, say nothing of the route table: node1's do). The collected evidence shows each through the
/// node's own signals, and the report has an error finding with the scenario's id naming the node
/// (exit 3) — those need the analysis (branch inspect-analyze).
@Suite(.serialized) struct InspectFindsBreaksTests {
    @Test func everyBreakShowsInTheEvidenceAndIsFound() throws {
        let lab = try InspectLab(["--nodes", "3", "--break", "ip-forward-off:node2", "--break", "missing-route:node3"])
        defer { lab.down() }
        let nodes = try lab.cluster.nodes()
        try #require(nodes.count == 3)
        let (node1, node2, node3) = (nodes[0], nodes[1], nodes[2])
        try lab.cluster.run("web", node: node1)
        try lab.cluster.run("client", node: node1)
        let set = try lab.lab(["fault", "--dir", lab.dir, "set", "no-masquerade:node1", "policy-drop:web",
                               "mtu-mismatch:node2", "conntrack-full:node2"])
        #expect(set.status == 0, "\(set)")
        usleep(800_000)
        // Traffic the policy drops, so its counters say so (bridged on node1: FORWARD with br_netfilter).
        let web = try lab.cluster.podIP("web")
        _ = try lab.cluster.k(["exec", "client", "--", "ping", "-c", "2", "-W", "1", web])

        let bundle = lab.dir + "/breaks.tar.gz"
        let run = try lab.inspect(["-o", "json", "--bundle", bundle])
        let evidence = try InspectLab.evidence(bundle)
        for node in nodes {
            #expect(InspectLab.node(evidence, node)?["collected"] as? Bool == true, "\(node) collected")
        }
        // ip-forward-off: the sysctl.
        #expect(InspectLab.output(evidence, node2, "sysctls")?.contains("net.ipv4.ip_forward = 0\n") == true)
        #expect(InspectLab.output(evidence, node1, "sysctls")?.contains("net.ipv4.ip_forward = 1\n") == true)
        // no-masquerade: IP-MASQ-AGENT has no MASQUERADE left on node1 only.
        let save1 = InspectLab.output(evidence, node1, "iptables-save") ?? ""
        let save2 = InspectLab.output(evidence, node2, "iptables-save") ?? ""
        #expect(!save1.contains("-A IP-MASQ-AGENT -m comment --comment \"ip-masq-agent: outbound traffic is subject to MASQUERADE"))
        #expect(save2.contains("-A IP-MASQ-AGENT -m comment --comment \"ip-masq-agent: outbound traffic is subject to MASQUERADE"))
        // policy-drop: a DROP rule with packets counted, jumped to from FORWARD.
        let drop = save1.split(separator: "\n").first { $0.contains("-A AKSNET-POLICY-DROP") && $0.contains("-j DROP") }
        #expect(drop.map { !$0.hasPrefix("[0:0]") } == true, "\(String(describing: drop))")
        #expect(save1.contains("-A FORWARD -j AKSNET-POLICY-DROP"))
        // missing-route: node1 cannot reach node3's pod network; mtu-mismatch and conntrack-full on node2.
        let probe1 = InspectLab.output(evidence, node1, "pod-network-probe") ?? ""
        #expect(probe1.split(separator: "\n").contains { $0.hasPrefix("\(node3) 10.244.") && $0.hasSuffix(" fail") }, "\(probe1)")
        let link2 = InspectLab.output(evidence, node2, "ip-link") ?? ""
        #expect(link2.contains("\"ifname\":\"eth0\"") && link2.contains("\"mtu\":1400"), "\(link2.prefix(400))")
        #expect(InspectLab.output(evidence, node2, "kernel-conntrack-log")?.contains("nf_conntrack: table full, dropping packet") == true)
        #expect(InspectLab.output(evidence, node1, "kernel-conntrack-log") == "")
        #expect(save2.contains("--comment \"aksnet-lab fault: nf_conntrack: table full, dropping packet\" -j DROP"))

        // The report (needs the analyzers): one error finding per scenario, naming its node, exit 3.
        #expect(run.status == 3, "exit \(run.status)")
        let findings = InspectLab.findings(run.stdout)
        for (id, node) in [("ip-forward-off", node2), ("no-masquerade", node1), ("policy-drop", node1),
                           ("missing-route", node3), ("mtu-mismatch", node2), ("conntrack-full", node2)] {
            let found = findings.first { $0["id"] as? String == id && ($0["nodes"] as? [String])?.contains(node) == true }
            #expect(found?["severity"] as? String == "error", "finding \(id) on \(node): \(findings.compactMap { $0["id"] as? String })")
        }
        #expect(try lab.waitNoManagedPods().isEmpty)
    }
}
