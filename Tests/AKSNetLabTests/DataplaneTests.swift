import Foundation
import Testing
@testable import AKSNetLab

/// The lab dataplane, for real: namespaces, veths, routes, iptables. Needs root,
/// iproute2, iptables, ping (iputils-ping), curl and python3.
@Suite(.serialized)
struct DataplaneTests {
    // MARK: pure

    @Test func addressPlanForTwoKubenetPools() throws {
        let spec = LabNetworkSpec(labID: "abc", plugin: .kubenet, ipFamily: .dual, nodePools: [
            NodePoolSpec(name: "nodepool1", count: 2), NodePoolSpec(name: "userpool", count: 1),
        ])
        let plan = try LabAddressPlan(spec: spec)
        #expect(plan.vnetNetns == "aksl-abc-vnet")
        #expect(plan.nodes.map(\.netns) == ["aksl-abc-node1", "aksl-abc-node2", "aksl-abc-node3"])
        #expect(plan.nodes.map(\.ipv4.description) == ["10.224.0.4", "10.224.0.5", "10.224.1.4"])
        #expect(plan.nodes.map { $0.podCIDR?.description } == ["10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24"])
        #expect(plan.nodes.map(\.gatewayIPv4.description) == ["10.224.0.1", "10.224.0.1", "10.224.1.1"])
        #expect(plan.nodes[2].ipv6 == "fd00:10:224:1::4")
        #expect(plan.nodes[1].podCIDRv6 == "fd12:3456:789a:0:1::/80")
        #expect(plan.nodes[0].name.hasPrefix("aks-nodepool1-") && plan.nodes[0].name.hasSuffix("-vmss000000"))
        #expect(plan.podIPv6(node: plan.nodes[1], ipv4: IPv4Address("10.244.1.7") ?? IPv4Address(0)) == "fd12:3456:789a:0:1::7")
        #expect(plan.bridgeIPv4(node: plan.nodes[2])?.description == "10.244.2.1")
    }

    @Test func addressPlanForAzureCNI() throws {
        let spec = LabNetworkSpec(labID: "abc", plugin: .azure, ipFamily: .dual, nodes: 2)
        let plan = try LabAddressPlan(spec: spec)
        #expect(plan.nodes.allSatisfy { $0.podCIDR == nil })
        #expect(plan.nodes.map(\.podRangeFirst.description) == ["10.224.0.6", "10.224.0.36"])
        #expect(plan.podIPv6(node: plan.nodes[0], ipv4: plan.nodes[0].podRangeFirst) == "fd00:10:224:0::6".replacingOccurrences(of: ":0::", with: "::"))
        #expect(plan.nonMasqueradeCIDRs.map(\.description) == ["10.224.0.0/24"])
        let crowded = LabNetworkSpec(labID: "abc", plugin: .azure, nodes: 9)
        #expect(throws: LabNetworkError.self) { try LabAddressPlan(spec: crowded) }
    }

    @Test func specValidation() {
        for bad in ["", "UPPER", "has-dash", "waytoolonglabid"] {
            #expect(throws: LabNetworkError.self) { try LabNetworkSpec(labID: bad, plugin: .kubenet, nodes: 1).validate() }
        }
        #expect(throws: LabNetworkError.self) { try LabNetworkSpec(labID: "a", plugin: .kubenet, nodes: 0).validate() }
        #expect(throws: LabNetworkError.self) {
            try LabNetworkSpec(labID: "a", plugin: .kubenet, nodePools: [NodePoolSpec(name: "p", count: 1, subnet: IPv4CIDR("10.224.0.0/24")),
                                                                    NodePoolSpec(name: "q", count: 1, subnet: IPv4CIDR("10.224.0.128/25"))]).validate()
            _ = try LabAddressPlan(spec: LabNetworkSpec(labID: "a", plugin: .kubenet, nodePools: [
                NodePoolSpec(name: "p", count: 1, subnet: IPv4CIDR("10.224.0.0/24")),
                NodePoolSpec(name: "q", count: 1, subnet: IPv4CIDR("10.224.0.128/25"))]))
        }
    }

    @Test func ipv6Formatting() {
        #expect(IPv6Address([0xfd00, 0x10, 0x224, 0, 0, 0, 0, 4]).description == "fd00:10:224::4")
        #expect(IPv6Address([0xfd12, 0x3456, 0x789a, 0, 1, 0, 0, 7]).description == "fd12:3456:789a:0:1::7")
        #expect(IPv6Address([0, 0, 0, 0, 0, 0, 0, 1]).description == "::1")
        #expect(IPv6Address([1, 0, 2, 0, 3, 0, 4, 0]).description == "1:0:2:0:3:0:4:0")
    }

    @Test func kubeProxyRulesText() throws {
        let service = ServiceSpec(namespace: "kube-system", name: "kube-dns", clusterIP: LabAddressPlan.kubeDNSIP, port: 53,
                                  protocol: .udp, endpoints: [ServiceEndpoint(ip: try #require(IPv4Address("10.244.0.2")), port: 53),
                                                              ServiceEndpoint(ip: try #require(IPv4Address("10.244.1.2")), port: 53)])
        let text = KubeProxyRules.services([service])
        let svc = KubeProxyRules.serviceChain(service)
        #expect(svc.hasPrefix("KUBE-SVC-") && svc.count == 25)
        #expect(text.contains("-A KUBE-SERVICES -d 10.0.0.10/32 -p udp -m comment --comment \"kube-system/kube-dns:53 cluster IP\" -m udp --dport 53 -j \(svc)"))
        #expect(text.contains("-m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-"))
        #expect(text.contains("-j DNAT --to-destination 10.244.1.2:53"))
        #expect(text.hasPrefix("*nat\n") && text.hasSuffix("COMMIT\n"))
        let removal = KubeProxyRules.services([], removed: [service])
        #expect(removal.contains("-X \(svc)"))
        #expect(KubeProxyRules.baseNAT(nonMasqueradeCIDRs: [LabAddressPlan.clusterPodCIDR]).contains("-A IP-MASQ-AGENT -d 10.244.0.0/16"))
    }

    @Test func faultParsing() throws {
        #expect(try LabFault.parse("missing-route:node2", defaultNode: "node1") == .missingRoute(node: "node2"))
        #expect(try LabFault.parse("ip-forward-off", defaultNode: "node1") == .ipForwardOff(node: "node1"))
        #expect(try LabFault.parse("mtu-mismatch:node1:1300", defaultNode: "x") == .mtuMismatch(node: "node1", mtu: 1300))
        #expect(try LabFault.parse("mtu-mismatch", defaultNode: "x") == .mtuMismatch(node: "x", mtu: 1400))
        #expect(try LabFault.parse("policy-drop:web", defaultNode: "x") == .policyDrop(pod: "web"))
        #expect(try LabFault.parse("conntrack-full:node3", defaultNode: "x").description == "conntrack-full:node3")
        #expect(throws: LabNetworkError.self) { try LabFault.parse("policy-drop", defaultNode: "x") }
        #expect(throws: LabNetworkError.self) { try LabFault.parse("mtu-mismatch:n:big", defaultNode: "x") }
        #expect(throws: LabNetworkError.self) { try LabFault.parse("meltdown", defaultNode: "x") }
    }

    // MARK: real namespaces

    private func curl(_ pod: PodNetwork, _ url: String) -> String? { DPLab.curl(pod, url) }

    @Test func kubenetTwoNodes() throws {
        try DPLab.run(LabNetworkSpec(labID: DPLab.randomID(), plugin: .kubenet, nodes: 2)) { lab in
            try DPLab.checkConnectivity(lab)
            // hostNetwork pods share the node's namespace.
            let host = try lab.addPod(node: "node1", name: "hostpod", hostNetwork: true)
            #expect(host.netnsName == lab.nodes[0].netns && host.ipv4 == lab.nodes[0].ipv4 && host.hostVethName == nil)
            try lab.removePod(name: "hostpod")
            // Same-node pod → ClusterIP → pod: the DNAT reply crosses cbr0 and is un-DNATed
            // only because br_netfilter (bridge-nf-call-iptables=1) is on in the node.
            let c = try lab.addPod(node: "node2", name: "c")
            let server = try DPLab.HTTPServer(in: c, port: 8081)
            defer { server.stop() }
            let clusterIP = try #require(IPv4Address("10.0.0.10"))
            try lab.addService(ServiceSpec(namespace: "kube-system", name: "kube-dns", clusterIP: clusterIP, port: 53,
                                           endpoints: [ServiceEndpoint(ip: c.ipv4, port: 8081)]))
            let b = try #require(lab.pod(named: "b"))
            #expect(curl(b, "http://10.0.0.10:53/hello.txt") == "hello from c\n")
            let a = try #require(lab.pod(named: "a"))
            #expect(a.hostVethName?.hasPrefix("veth") == true)
            #expect(DPLab.run(["ip", "-n", lab.nodes[0].netns, "link", "show", "cbr0"]).succeeded)
        }
    }

    @Test func azureTwoPoolsDualStack() throws {
        let spec = LabNetworkSpec(labID: DPLab.randomID(), plugin: .azure, ipFamily: .dual, nodePools: [
            NodePoolSpec(name: "nodepool1", count: 1), NodePoolSpec(name: "userpool", count: 1),
        ])
        try DPLab.run(spec) { lab in
            try DPLab.checkConnectivity(lab)
            let a = try #require(lab.pod(named: "a")), b = try #require(lab.pod(named: "b"))
            #expect(lab.nodes[0].subnet.contains(a.ipv4) && lab.nodes[1].subnet.contains(b.ipv4))
            #expect(b.hostVethName?.hasPrefix("azv") == true && b.hostVethName?.count == 14)
            // Azure CNI has no podCIDR: the missing route is every /32 of the node's pods.
            try lab.apply(.missingRoute(node: "node2"))
            #expect(!DPLab.ping(a, b.ipv4.description))
            try lab.revert(.missingRoute(node: "node2"))
            #expect(DPLab.ping(a, b.ipv4.description))
        }
    }

    @Test func overlayDualStackAndTeardownFromStateFile() throws {
        let spec = LabNetworkSpec(labID: DPLab.randomID(), plugin: .overlay, ipFamily: .dual, nodes: 2)
        var orphan: LabProcess?
        defer { orphan?.stop() }
        try DPLab.run(spec, teardownFromStateFile: true) { lab in
            try DPLab.checkConnectivity(lab)
            let b = try #require(lab.pod(named: "b"))
            #expect(lab.nodes[1].podCIDR?.contains(b.ipv4) == true)
            #expect(!DPLab.run(["ip", "-n", lab.nodes[0].netns, "link", "show", "cbr0"]).succeeded)
            // Another process would attach through the state file.
            let again = try LabNetwork.attach(stateFile: lab.stateFile)
            #expect(again.pods.map(\.name) == ["a", "b"] && again.services.count == 1)
            // A pod process left running (as after a crash) is ended by the teardown.
            orphan = try LabProcess.start(["ip", "netns", "exec", b.netnsName, "sleep", "30"])
        }
        #expect(orphan?.isRunning == false, "teardown must end processes left in lab namespaces")
    }

    @Test func faultsBreakAndRevert() throws {
        let spec = LabNetworkSpec(labID: DPLab.randomID(), plugin: .kubenet, nodes: 3)
        try DPLab.run(spec) { lab in
            let a = try lab.addPod(node: "node1", name: "a")
            let b = try lab.addPod(node: "node2", name: "b")
            let bIP = b.ipv4.description
            let internet = LabAddressPlan.internetIPv4.description
            #expect(DPLab.ping(a, bIP) && DPLab.ping(a, internet))

            for fault in [LabFault.missingRoute(node: "node2"), .ipForwardOff(node: "node2"), .policyDrop(pod: "b"),
                          .conntrackFull(node: "node2")] {
                try lab.apply(fault)
                #expect(!DPLab.ping(a, bIP), "\(fault) should break a → b")
                try lab.revert(fault)
                #expect(DPLab.ping(a, bIP), "\(fault) reverted should let a → b through")
            }
            // The policy chain drops only traffic to the pod: the node stays reachable.
            try lab.apply(.policyDrop(pod: "b"))
            #expect(DPLab.ping(a, lab.nodes[1].ipv4.description))
            try lab.revert(.policyDrop(pod: "b"))

            try lab.apply(.noMasquerade(node: "node1"))
            #expect(!DPLab.ping(a, internet), "without MASQUERADE the pod IP leaves the node and the edge refuses it")
            #expect(DPLab.ping(a, bIP), "pod → pod needs no MASQUERADE")
            try lab.revert(.noMasquerade(node: "node1"))
            #expect(DPLab.ping(a, internet))

            try lab.apply(.mtuMismatch(node: "node2", mtu: 1400))
            #expect(!DPLab.ping(a, bIP, payload: 1472), "a full-size DF packet must not fit the 1400 path")
            #expect(DPLab.ping(a, bIP, payload: 1300))
            try lab.revert(.mtuMismatch(node: "node2", mtu: 1400))
            #expect(DPLab.ping(a, bIP, payload: 1472))
            #expect(lab.activeFaults.isEmpty)
        }
    }
}

/// Helpers: lab lifecycle with root-namespace checks, probes run in pod namespaces.
enum DPLab {
    static func randomID() -> String {
        "t" + String((0..<6).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement() ?? "x" })
    }

    @discardableResult
    static func run(_ argv: [String], timeout: TimeInterval = 10) -> HostCommand.Output {
        (try? HostCommand.run(argv, timeout: timeout)) ?? HostCommand.Output(status: -1, stdout: "", stderr: "did not run")
    }

    static func ping(_ pod: PodNetwork, _ address: String, payload: Int? = nil) -> Bool {
        var argv = ["ip", "netns", "exec", pod.netnsName, "ping", "-n", "-q", "-c1", "-W1"]
        if let payload { argv += ["-M", "do", "-s", "\(payload)"] }
        return run(argv + [address]).succeeded
    }

    static func curl(_ pod: PodNetwork, _ url: String) -> String? {
        let output = run(["ip", "netns", "exec", pod.netnsName, "curl", "-s", "--max-time", "3", url])
        return output.succeeded ? output.stdout : nil
    }

    /// What the root namespace looks like: link names and flags, and its iptables rules.
    struct RootSnapshot: Equatable {
        var links: [String]
        var iptables: [String]
        var labNamespaces: [String]

        static func take(labID: String) -> RootSnapshot {
            let links = DPLab.run(["ip", "-o", "link", "show"]).stdout.split(separator: "\n").map { line in
                // "N: name: <FLAGS> mtu M …": keep name, flags and MTU; drop counters and qdisc noise.
                line.split(separator: " ").prefix(5).joined(separator: " ")
            }
            var rules: [String] = []
            for tool in ["iptables-save", "ip6tables-save"] {
                rules += DPLab.run([tool]).stdout.split(separator: "\n").map(String.init)
                    .filter { !$0.hasPrefix("#") }
                    .map { $0.replacingOccurrences(of: #"\[\d+:\d+\]"#, with: "", options: .regularExpression) }
            }
            let namespaces = DPLab.run(["ip", "netns", "list"]).stdout.split(separator: "\n").map(String.init)
                .filter { $0.hasPrefix(LabNames.namespacePrefix(labID: labID)) }
            return RootSnapshot(links: links, iptables: rules, labNamespaces: namespaces)
        }
    }

    /// Brings a lab up, runs `body`, tears it down (always), and checks that the
    /// root namespace is exactly as before.
    static func run(_ spec: LabNetworkSpec, teardownFromStateFile: Bool = false, _ body: (LabNetwork) throws -> Void) throws {
        let before = RootSnapshot.take(labID: spec.labID)
        let stateFile = FileManager.default.temporaryDirectory.appendingPathComponent("aksl-\(spec.labID).json").path
        let started = Date()
        let lab = try LabNetwork.up(spec, stateFile: stateFile)
        let upSeconds = Date().timeIntervalSince(started)
        FileHandle.standardError.write(Data("dataplane: \(spec.plugin.rawValue)/\(spec.ipFamily.rawValue) lab of \(lab.nodes.count) nodes up in \(String(format: "%.2f", upSeconds)) s\n".utf8))
        var failure: Error?
        do {
            #expect(upSeconds < 10, "up took \(upSeconds) s")
            let during = RootSnapshot.take(labID: spec.labID)
            #expect(during.links == before.links, "the root namespace must get no lab link")
            #expect(during.iptables == before.iptables, "the root namespace must get no lab rule")
            #expect(during.labNamespaces.count == 2 + spec.nodePools.reduce(0) { $0 + $1.count }, "the nodes, the VNet router and the control plane")
            try body(lab)
            // The root namespace has no route to pod IPs through a lab interface (there is none).
            for pod in lab.pods where !pod.hostNetwork {
                let route = run(["ip", "route", "get", pod.ipv4.description]).stdout
                #expect(!route.contains("cbr0") && !route.contains("azv") && !route.contains("veth"), "root route: \(route)")
            }
        } catch {
            failure = error
        }
        if teardownFromStateFile {
            try LabNetwork.teardown(stateFile: stateFile)
        } else {
            try lab.down()
        }
        let after = RootSnapshot.take(labID: spec.labID)
        #expect(after.labNamespaces.isEmpty, "left behind: \(after.labNamespaces)")
        #expect(after.links == before.links)
        #expect(after.iptables == before.iptables)
        #expect(!FileManager.default.fileExists(atPath: stateFile))
        if let failure { throw failure }
    }

    /// Two pods on two nodes: pod → pod, pod → other node, pod → ClusterIP (HTTP), pod → "internet",
    /// and IPv6 pod → pod in dual stack.
    static func checkConnectivity(_ lab: LabNetwork) throws {
        let a = try lab.addPod(node: lab.nodes[0].name, name: "a")
        let b = try lab.addPod(node: lab.nodes[1].name, name: "b")
        #expect(a.netnsName == "aksl-\(lab.spec.labID)-pod-a")
        #expect(ping(a, b.ipv4.description), "pod a → pod b across nodes")
        #expect(ping(b, a.ipv4.description), "pod b → pod a across nodes")
        #expect(ping(a, lab.nodes[1].ipv4.description), "pod a → node2 IP")
        #expect(ping(a, lab.nodes[0].ipv4.description), "pod a → its own node")
        #expect(ping(a, LabAddressPlan.internetIPv4.description), "pod a → internet (masqueraded)")
        if lab.spec.ipFamily == .dual {
            let b6 = try #require(b.ipv6), a6 = try #require(a.ipv6)
            #expect(ping(a, b6), "IPv6 pod a → pod b")
            #expect(ping(b, a6), "IPv6 pod b → pod a")
            #expect(ping(a, try #require(lab.nodes[1].ipv6)), "IPv6 pod a → node2")
        }

        let server = try HTTPServer(in: b, port: 8080)
        defer {
            server.stop()
            #expect(!server.process.isRunning)
        }
        let clusterIP = try #require(IPv4Address("10.0.12.34"))
        try lab.addService(ServiceSpec(name: "web", clusterIP: clusterIP, port: 80,
                                       endpoints: [ServiceEndpoint(ip: b.ipv4, port: 8080)]))
        #expect(curl(a, "http://\(clusterIP)/hello.txt") == "hello from b\n", "pod a → ClusterIP → pod b")
        // From the node itself (OUTPUT chain) too.
        #expect(run(["ip", "netns", "exec", lab.nodes[0].netns, "curl", "-s", "--max-time", "3", "http://\(clusterIP)/hello.txt"]).stdout == "hello from b\n")
        try lab.removeService(name: "web")
        #expect(curl(a, "http://\(clusterIP)/hello.txt") == nil, "removed service must not answer")
        let save = run(["ip", "netns", "exec", lab.nodes[0].netns, "iptables-save", "-t", "nat"]).stdout
        #expect(!save.contains("KUBE-SVC-") && save.contains(":KUBE-SERVICES"))
        try lab.addService(ServiceSpec(name: "web", clusterIP: clusterIP, port: 80,
                                       endpoints: [ServiceEndpoint(ip: b.ipv4, port: 8080)]))
        #expect(curl(a, "http://\(clusterIP)/hello.txt") == "hello from b\n")
    }

    /// `python3 -m http.server` inside a pod namespace; stopped by its PID.
    final class HTTPServer {
        let process: LabProcess
        let directory: URL

        init(in pod: PodNetwork, port: Int) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("aksl-www-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data("hello from \(pod.name)\n".utf8).write(to: directory.appendingPathComponent("hello.txt"))
            let python = HostCommand.resolve("python3") ?? "python3"
            process = try LabProcess.start(["ip", "netns", "exec", pod.netnsName, python, "-m", "http.server", "\(port)",
                                            "--bind", "0.0.0.0", "--directory", directory.path])
            for _ in 0..<50 {
                if DPLab.curl(pod, "http://127.0.0.1:\(port)/hello.txt") != nil { return }
                usleep(100_000)
            }
            stop()
            throw LabNetworkError.commandTimedOut(process.argv)
        }

        func stop() {
            process.stop()
            try? FileManager.default.removeItem(at: directory)
        }
    }
}
