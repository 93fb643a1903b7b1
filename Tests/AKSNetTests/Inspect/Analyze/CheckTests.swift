@testable import AKSNet
import KubeModel
import Testing

/// The warning and info checks, each against a change that should trigger it and the healthy
/// lab that should not.
@Suite struct InspectCheckTests {
    static func analyze(_ lab: LabEvidence = LabEvidence(), edit: (inout ClusterEvidence) -> Void) -> InspectReport {
        var evidence = lab.evidence
        edit(&evidence)
        return InspectAnalyzer.analyze(evidence)
    }

    static func replaceRun(_ evidence: inout ClusterEvidence, node: Int, _ id: String, output: String, exit: Int32 = 0) {
        evidence.nodes[node].runs.removeAll { $0.id == id }
        evidence.nodes[node].runs.append(CommandRun(id: id, argv: [id], exitCode: exit, durationMs: 1, output: output))
    }

    @Test func retirementNoticesForKubenetAndAzureNPM() {
        let kubenet = InspectAnalyzer.analyze(LabEvidence(plugin: .kubenet, policy: "azure").evidence)
        #expect(kubenet.findings("kubenet-retirement").first?.severity == .info)
        #expect(kubenet.findings("kubenet-retirement").first?.title.contains("2028-03-31") == true)
        #expect(kubenet.findings("azure-npm-retirement").first?.title.contains("2028-09-30") == true)
        let overlay = InspectAnalyzer.analyze(LabEvidence(plugin: .overlay).evidence)
        #expect(overlay.findings("kubenet-retirement").isEmpty && overlay.findings("azure-npm-retirement").isEmpty)
    }

    @Test func aServiceWithoutReadyEndpointsIsAWarning() {
        let report = Self.analyze { evidence in
            evidence.api[APIEvidenceKeys.endpointSlices] = ["items": [
                ["metadata": ["name": "kube-dns-a", "namespace": "kube-system", "labels": ["kubernetes.io/service-name": "kube-dns"]],
                 "endpoints": [["addresses": ["10.244.0.2"], "conditions": ["ready": true]]]],
                ["metadata": ["name": "web-a", "namespace": "default", "labels": ["kubernetes.io/service-name": "web"]],
                 "endpoints": [["addresses": ["10.244.1.2"], "conditions": ["ready": false]]]],
            ]]
        }
        #expect(report.findings("service-no-endpoints").map(\.title) == ["Service default/web has no ready endpoints"])
        #expect(report.exitCode == 0)
    }

    @Test func aServiceChainWithoutEndpointChains() throws {
        let report = Self.analyze { evidence in
            let dump = evidence.nodes[0].run(CollectorCommands.iptablesSave)?.output ?? ""
            let edited = dump.split(separator: "\n").filter { !$0.contains("-A KUBE-SVC-TCOU7JCQXEZGVUNU") }.joined(separator: "\n")
            Self.replaceRun(&evidence, node: 0, CollectorCommands.iptablesSave, output: edited)
        }
        let finding = try #require(report.findings("svc-chain-no-sep").first)
        #expect(finding.nodes == ["aks-nodepool1-12345678-vmss000000"])
        #expect(finding.evidence.first?.text.contains("kube-dns:dns cluster IP") == true)
    }

    @Test func kubeProxyModeDifferingOnANode() throws {
        let report = Self.analyze { Self.replaceRun(&$0, node: 2, CollectorCommands.kubeProxyMode, output: "ipvs") }
        let finding = try #require(report.findings("kube-proxy-mode-differs").first)
        #expect(finding.nodes == ["aks-nodepool1-12345678-vmss000002"])
        // 3 nodes, 2 agree: the pool check blames the odd one too.
        #expect(report.findings("node-differs-from-pool").first?.nodes == ["aks-nodepool1-12345678-vmss000002"])
    }

    @Test func aCNIConfigOfAnotherMode() throws {
        let report = Self.analyze(LabEvidence(plugin: .overlay)) { evidence in
            Self.replaceRun(&evidence, node: 1, CollectorCommands.cniConfig, output: "==> /etc/cni/net.d/10-containerd-net.conflist <==\n{\"name\": \"kubenet\"}\n")
        }
        let finding = try #require(report.findings("cni-mode-mismatch").first)
        #expect(finding.title.contains("kubenet") && finding.title.contains("azure-cni-overlay"))
        #expect(finding.evidence.first?.line == 1)
        #expect(report.cluster.networkMode == .azureOverlay)
    }

    @Test func nodeResolvConfPointingAtKubeDNS() {
        let report = Self.analyze { Self.replaceRun(&$0, node: 0, CollectorCommands.resolvConf, output: "search x\nnameserver 10.0.0.10\n") }
        let finding = report.findings("node-resolv-conf").first
        #expect(finding?.evidence.first?.line == 2)
        #expect(finding?.severity == .warning)
    }

    @Test func udpReceiveBufferErrors() {
        let snmp = "Ip: Forwarding DefaultTTL\nIp: 1 64\nUdp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors\nUdp: 1000 2 37 900 37 0 0 0 0\n"
        let report = Self.analyze { Self.replaceRun(&$0, node: 1, CollectorCommands.netSNMP, output: snmp) }
        let finding = report.findings("udp-rcvbuf-errors").first
        #expect(finding?.title.contains("37 datagram") == true)
        #expect(finding?.evidence.first?.line == 4)
    }

    @Test func conntrackInsertFailedAloneIsAWarning() {
        let stats = "cpu=0 found=0 invalid=0 insert=0 insert_failed=9 drop=0 early_drop=0 error=0\n"
        let report = Self.analyze { Self.replaceRun(&$0, node: 0, CollectorCommands.conntrackStats, output: stats) }
        #expect(report.findings("conntrack-full").isEmpty)
        #expect(report.findings("conntrack-insert-failed").first?.severity == .warning)
    }

    @Test func conntrackNearlyFullIsAWarningThenAnError() {
        let warn = Self.analyze { Self.replaceRun(&$0, node: 0, CollectorCommands.conntrackCount, output: "200000\n") }
        #expect(warn.findings("conntrack-full").first?.severity == .warning)
        let full = Self.analyze { Self.replaceRun(&$0, node: 0, CollectorCommands.conntrackCount, output: "250000\n") }
        #expect(full.findings("conntrack-full").first?.severity == .error)
    }

    @Test func aFailedCommandIsAnInfoFindingNeverFatal() {
        let report = Self.analyze { Self.replaceRun(&$0, node: 0, CollectorCommands.iptablesSave, output: "", exit: 127) }
        let finding = report.findings("command-failed").first
        #expect(finding?.severity == .info)
        #expect(finding?.title.contains("iptables-save") == true)
        #expect(report.findings("no-masquerade").isEmpty)
        // The optional IPVS run failing in iptables mode is not reported.
        #expect(!(finding?.title.contains("ipvsadm") ?? true))
    }

    /// A dump the collector cut may have lost the MASQUERADE rule: no conclusion from its absence.
    @Test func aTruncatedDumpIsNotReadForMissingRules() {
        let lab = LabEvidence(plugin: .kubenet, breaks: [.noMasquerade(0)])
        var evidence = lab.evidence
        #expect(InspectAnalyzer.analyze(evidence).findings("no-masquerade").count == 1)
        if let i = evidence.nodes[0].runs.firstIndex(where: { $0.id == CollectorCommands.iptablesSave }) { evidence.nodes[0].runs[i].truncated = true }
        let report = InspectAnalyzer.analyze(evidence)
        #expect(report.findings("no-masquerade").isEmpty)
        #expect(report.findings("output-truncated").first?.nodes == [lab.name(0)])
    }

    @Test func nonMasqueradeCIDRsLeavingOutThePodRange() {
        let report = Self.analyze { evidence in
            evidence.api[APIEvidenceKeys.kubeSystemConfigMaps] = ["items": [
                ["metadata": ["name": "azure-ip-masq-agent-config-reconciled"], "data": ["ip-masq-agent-reconciled": "nonMasqueradeCIDRs:\n- 10.224.0.0/12\n"]],
            ]]
        }
        #expect(report.findings("nonmasq-cidrs-incomplete").first?.title.contains("10.244.0.0/16") == true)
    }

    @Test func notCollectedNodesAndMissingPermissions() {
        let report = Self.analyze { evidence in
            evidence.nodes[2] = NodeEvidence(node: evidence.nodes[2].node, collected: false, reason: "NotReady")
            evidence.missingPermissions = ["create pods/exec"]
        }
        #expect(report.notCollected == [NotCollectedNode(node: "aks-nodepool1-12345678-vmss000002", reason: "NotReady")])
        #expect(report.findings("node-not-collected").count == 1)
        #expect(report.findings("missing-permissions").first?.title.contains("create pods/exec") == true)
        #expect(report.exitCode == 0)
    }

    @Test func kubenetRouteLimit() {
        var lab = LabEvidence(plugin: .kubenet, nodes: 370)
        lab.breaks = []
        let evidence = lab.evidence
        let report = InspectAnalyzer.analyze(ClusterEvidence(collectedAt: evidence.collectedAt, api: evidence.api))
        #expect(report.findings("kubenet-route-limit").first?.severity == .warning)
        #expect(report.findings("kubenet-route-limit").first?.title.contains("370 of Azure's 400") == true)
    }

    @Test func garbageEverywhereNeverTraps() {
        var evidence = LabEvidence().evidence
        let junk = ["", "\u{0}\u{1}[[[", "{\"ifname\":", "[1:2] -A", "*nat\n:X\n[x:y] -A Y -j\nCOMMIT", "==> <==\n==> a <==", "cpu=0 drop=x", "99999999999999999999999"]
        for (i, node) in evidence.nodes.enumerated() {
            evidence.nodes[i].runs = node.runs.enumerated().map { j, run in
                var run = run
                run.output = junk[(i + j) % junk.count]
                return run
            }
        }
        evidence.api[APIEvidenceKeys.nodes] = ["items": [1, "x", ["metadata": 3]]]
        evidence.api[APIEvidenceKeys.services] = "not a list"
        let report = InspectAnalyzer.analyze(evidence)
        #expect(report.cluster.nodeCount >= 3)
        _ = InspectRenderer.render(report, format: .text, color: true)
        _ = InspectRenderer.render(report, format: .json, color: false)
    }
}

@Suite struct InspectIPVSCheckTests {
    @Test func aVirtualServiceWithoutRealServers() throws {
        var evidence = LabEvidence(nodes: 1).evidence
        evidence.nodes[0].runs.removeAll { $0.id == CollectorCommands.ipvsadm }
        evidence.nodes[0].runs.append(CommandRun(id: CollectorCommands.ipvsadm, argv: [], exitCode: 0, durationMs: 1, output: """
        IP Virtual Server version 1.2.1 (size=4096)
        Prot LocalAddress:Port Scheduler Flags
          -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
        TCP  10.0.0.1:443 rr
          -> 10.224.255.4:443             Masq    1      0          0
        UDP  10.0.0.10:53 rr
        """))
        let finding = try #require(InspectAnalyzer.analyze(evidence).findings("ipvs-no-real-servers").first)
        #expect(finding.evidence.map(\.text) == ["UDP  10.0.0.10:53 rr"])
        #expect(finding.evidence.first?.line == 6)
    }
}
