import Foundation
import TestSupport
import Testing

/// `kubectl aksnet inspect` on healthy labs: every Linux node collected (Windows listed with what
/// to run), exit 0, JSON out, a bundle that `--from` reads back into the same JSON and that holds
/// no secret, files 0600, a viewer's API-only report, and no helper left behind.
@Suite(.serialized) struct InspectOnLabTests {
    static let everyID = ["ip-addr", "ip-link", "ip-route", "ip6-route", "ip-rule", "ip6-rule", "ip-neigh", "iptables-save",
                          "ip6tables-save", "nft-ruleset", "ipvsadm", "conntrack-stats", "conntrack-count", "conntrack-max",
                          "sysctls", "cni-config", "cni-state", "resolv-conf", "localdns-corefile", "ss-summary",
                          "kernel-conntrack-log", "kube-proxy-mode", "pod-network-probe"]

    @Test func healthyKubenetEveryNodeCollected() throws {
        let lab = try InspectLab(["--nodes", "2", "--windows-nodes", "1"])
        defer { lab.down() }
        let nodes = try lab.cluster.nodes()
        let bundle = lab.dir + "/inspect.tar.gz"
        let run = try lab.inspect(["-o", "json", "--bundle", bundle])
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("inspect: 2/2 nodes, 0 failed"), "progress: \(run.stderr)")
        #expect((try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) is [String: Any], "JSON on stdout")
        #expect(!InspectLab.findings(run.stdout).contains { $0["severity"] as? String == "error" }, "a healthy lab has no error finding")
        #expect(InspectLab.clusterFact(run.stdout, "networkMode") == "kubenet")
        #expect(InspectLab.clusterFact(run.stdout, "policyEngine") == "none")
        let evidence = try InspectLab.evidence(bundle)
        for node in nodes {
            let collected = try #require(InspectLab.node(evidence, node))
            #expect(collected["collected"] as? Bool == true && collected["reason"] is NSNull, "\(node): \(collected["reason"] ?? "")")
            for id in Self.everyID { #expect(InspectLab.run(evidence, node, id) != nil, "\(node): no \(id)") }
            #expect(InspectLab.output(evidence, node, "sysctls")?.contains("net.ipv4.ip_forward = 1") == true)
            #expect(InspectLab.output(evidence, node, "cni-config")?.contains("==> /etc/cni/net.d/10-containerd-net.conflist <==") == true)
            // The node's own iptables-save, through chroot /host, with counters.
            let save = try #require(InspectLab.run(evidence, node, "iptables-save"))
            #expect((save["argv"] as? [String])?.prefix(2) == ["chroot", "/host"] && save["exitCode"] as? Int == 0, "\(save)")
            #expect((save["output"] as? String)?.contains("-A IP-MASQ-AGENT") == true)
            let probe = InspectLab.output(evidence, node, "pod-network-probe") ?? ""
            let peer = nodes.first { $0 != node } ?? ""
            #expect(probe.hasPrefix("\(peer) 10.244.") && probe.hasSuffix(".1 ok\n"), "\(node): \(probe)")
            // kube-proxy's metrics endpoint on the node (127.0.0.1:10249) says its mode.
            #expect(InspectLab.output(evidence, node, "kube-proxy-mode") == "iptables", "\(node)")
        }
        let windows = InspectLab.nodes(evidence).first { ($0["node"] as? String)?.hasPrefix("akswin") == true }
        #expect(windows?["collected"] as? Bool == false && (windows?["hint"] as? String)?.contains("Get-HnsNetwork") == true)
        #expect(try lab.waitNoManagedPods().isEmpty, "helpers deleted")

        // The bundle: 0600, no token, key or Secret.
        let mode = try FileManager.default.attributesOfItem(atPath: bundle)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let listing = try Shell.run("/bin/tar", ["-tzf", bundle]).stdout
        #expect(listing.contains("evidence.json") && listing.contains("report.json") && listing.contains("nodes/\(nodes[0])/iptables-save.txt"))
        let everything = try Shell.run("/bin/sh", ["-c", "tar -xzOf \"$1\"", "sh", bundle]).stdout
        let kubeconfig = try String(contentsOfFile: lab.cluster.kubeconfig, encoding: .utf8)
        let token = kubeconfig.split(separator: "\n").first { $0.contains("token:") }?.split(separator: ":").last?
            .trimmingCharacters(in: .whitespaces) ?? ""
        #expect(token.count >= 8, "the lab's token, to look for")
        #expect(!everything.contains(token), "the token is in the bundle")
        #expect(!everything.contains("kind: Secret") && !everything.contains("\"Secret\""))
        #expect(!everything.contains("PRIVATE KEY") && !everything.contains("client-key-data"))

        // --from gives the same JSON, offline (no kubeconfig at all).
        let offline = try Shell.run(PluginOnLabTests.plugin, ["inspect", "--from", bundle, "-o", "json"],
                                    environment: ["KUBECONFIG": "/nonexistent", "PATH": "/usr/bin:/bin"], timeout: 60)
        #expect(offline.status == 0 && offline.stdout == run.stdout, "\(offline.stderr)")

        // --output-file is 0600; NO_COLOR text has no escape.
        let file = lab.dir + "/report.txt"
        let text = try lab.inspect(["node/\(nodes[0])", "-q", "--output-file", file], environment: ["NO_COLOR": "1"])
        #expect(text.status == 0 && text.stdout.isEmpty && text.stderr.isEmpty, "\(text)")
        #expect(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int == 0o600)
        #expect(try !String(contentsOfFile: file, encoding: .utf8).contains("\u{1B}["))
    }

    @Test func aViewerGetsTheAPIPartAndWhatIsMissing() throws {
        let lab = try InspectLab(["--nodes", "1"])
        defer { lab.down() }
        let bundle = lab.dir + "/viewer.tar.gz"
        let run = try lab.inspect(["--context", "aksnet-lab-viewer", "-o", "json", "--bundle", bundle])
        #expect(run.status == 0 || run.status == 3, "\(run)")
        #expect(run.stderr.contains("API-only report: this user may not create pods, create pods/exec, get pods/exec in aksnet-system"), "\(run.stderr)")
        let evidence = try InspectLab.evidence(bundle)
        #expect(evidence["missingPermissions"] as? [String] == ["create pods", "create pods/exec", "get pods/exec"])
        #expect((evidence["api"] as? [String: Any])?["nodes"] != nil, "the API part is there")
        #expect(InspectLab.nodes(evidence).allSatisfy { $0["collected"] as? Bool == false })
        #expect(try lab.managedPods().isEmpty)
    }

    /// With a slow relist (`pleg-lag=20s`), each node's collector runs as soon as the kubelet
    /// runs the helper, not 20 s later when the status says Running.
    @Test func collectsBeforeTheStatusSaysRunning() throws {
        let lab = try InspectLab(["--nodes", "2"])
        defer { lab.down() }
        #expect(try lab.lab(["fault", "--dir", lab.dir, "set", "pleg-lag=20s"]).status == 0)
        let started = Date()
        let run = try lab.inspect(["-o", "json"])
        let took = Date().timeIntervalSince(started)
        #expect(run.status == 0 && run.stderr.contains("inspect: 2/2 nodes, 0 failed"), "\(run)")
        #expect(took < 15, "inspect waited for the status: \(took) s")
        #expect(try lab.waitNoManagedPods().isEmpty, "no pod left")
    }

    @Test func anInterruptedRunDeletesItsHelpers() throws {
        let lab = try InspectLab(["--nodes", "2"])
        defer { lab.down() }
        // Slow answers keep the run inside its helpers' lifetime when the signal comes.
        #expect(try lab.lab(["fault", "--dir", lab.dir, "set", "api-latency=400ms"]).status == 0)
        let background = try Shell.Background(PluginOnLabTests.plugin, ["inspect", "--kubeconfig", lab.cluster.kubeconfig, "-o", "json"])
        // The progress line comes once the API part is read, as the helpers are being made.
        #expect(background.waitFor("inspect: 0/2 nodes", inErrors: true, timeout: 60), "\(background.errors)")
        usleep(300_000)
        background.signal(SIGINT)
        let ended = background.wait(timeout: 60)
        #expect(ended == 1, "exit \(String(describing: ended)): \(background.errors)")
        #expect(background.errors.contains("interrupted by SIGINT"), "\(background.errors)")
        _ = try lab.lab(["fault", "--dir", lab.dir, "clear"])
        #expect(try lab.waitNoManagedPods().isEmpty, "no pod left")
    }
}
