import AKSNet
import KubeModel
import Testing

@Suite struct SniffPureTests {
    @Test func targetsParse() throws {
        #expect(try TargetSpec.parse("web-0") == .pod("web-0"))
        #expect(try TargetSpec.parse("pod/web-0") == .pod("web-0"))
        #expect(try TargetSpec.parse("node/aks-1") == .node("aks-1"))
        #expect(try TargetSpec.parse("deploy/web") == .deployment("web"))
        #expect(try TargetSpec.parse("deployment/web") == .deployment("web"))
        #expect(throws: SniffError.self) { try TargetSpec.parse("svc/web") }
        #expect(throws: SniffError.self) { try TargetSpec.parse("pod/") }
    }

    static let pod = ResolvedTarget(kind: .pod(namespace: "shop", name: "web", container: "app", podIP: "10.244.1.5", hostNetwork: false),
                                    nodeName: "n1")
    static let node = ResolvedTarget(kind: .node, nodeName: "n1")

    @Test func modeChoiceTable() throws {
        let rows: [(CaptureMode, ResolvedTarget, String?, CapturePlan.How?)] = [
            (.auto, Self.pod, nil, .ephemeral),
            (.auto, Self.pod, "baseline", .ephemeral),
            (.auto, Self.pod, "restricted", .node),
            (.ephemeral, Self.pod, "baseline", .ephemeral),
            (.ephemeral, Self.pod, "restricted", nil),
            (.node, Self.pod, "restricted", .node),
            (.auto, Self.node, nil, .node),
            (.node, Self.node, nil, .node),
            (.ephemeral, Self.node, nil, nil),
        ]
        for (index, (mode, target, level, want)) in rows.enumerated() {
            let got = try? CapturePlan.choose(mode, for: target, podSecurityLevel: level)
            #expect(got?.how == want, "row \(index)")
            if let got { #expect(!got.reason.isEmpty) }
        }
        do {
            _ = try CapturePlan.choose(.ephemeral, for: Self.pod, podSecurityLevel: "restricted")
            Issue.record("an ephemeral capture in a restricted namespace must be refused")
        } catch {
            #expect(error.description.contains("pod-security.kubernetes.io/enforce=restricted"))
            #expect(error.description.contains("--mode node"))
        }
    }

    @Test func interfaceNames() {
        #expect(Self.pod.interfaceName == "pod/shop/web")
        #expect(Self.node.interfaceName == "node/n1")
    }

    @Test func tcpdumpArgvKeepsTheFilterOneArgument() {
        let evil = "'; rm -rf /'"
        let invocation = TcpdumpInvocation(interface: "eth0", snaplen: 96, filter: [evil], count: 10)
        #expect(invocation.tcpdumpArguments == ["tcpdump", "-U", "--immediate-mode", "-w", "-", "-i", "eth0", "-s", "96", "-B", "8192", "-Z", "root", "-p", "-c", "10", "--", evil])
        #expect(invocation.argv.prefix(4) == ["sh", "-c", "echo aksnet-pid $$ >&2; exec \"$@\"", "aksnet-tcpdump"])
        #expect(invocation.argv.last == evil)
        #expect(!invocation.argv[2].contains("rm"))
        #expect(TcpdumpInvocation.stopCommand(pid: 42) == ["kill", "-INT", "42"])
        let socat = invocation.socatArgv(port: 45000)
        #expect(socat.contains("AKSNET_FILTER=( \(evil) ) and not (host 127.0.0.1 and tcp port 45000)"))
        #expect(socat.contains("TCP-LISTEN:45000,bind=127.0.0.1,reuseaddr"))
        #expect(socat.last?.hasPrefix("SYSTEM:") == true && socat.last?.contains("rm") == false)
        #expect(TcpdumpInvocation(interface: "any").socatArgv(port: 1).contains("AKSNET_FILTER=not (host 127.0.0.1 and tcp port 1)"))
    }

    @Test func tcpdumpReportParsesItsStderr() {
        var report = TcpdumpReport()
        report.feed(Array("aksnet-pid 4242\ntcpdump: listening on eth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n".utf8))
        report.feed(Array("12 packets captured\n13 packets rece".utf8))
        report.feed(Array("ived by filter\n1 packet dropped by kernel\n".utf8))
        report.finish()
        #expect(report.pid == 4242)
        #expect(report.listening)
        #expect(report.captured == 12 && report.received == 13 && report.dropped == 1)
        #expect(report.messages.isEmpty)
        var socat = TcpdumpReport()
        socat.feed(Array("2026/12/05 15:33:18 socat[8358] N listening on AF=2 127.0.0.1:45123\n2026/12/05 15:33:19 socat[8358] E connect(): refused\n".utf8))
        #expect(socat.socatListening && socat.messages == ["2026/12/05 15:33:19 socat[8358] E connect(): refused"])
        var bad = TcpdumpReport()
        bad.feed(Array("aksnet-pid 7\ntcpdump: can't parse filter expression: syntax error\n".utf8))
        #expect(bad.messages == ["tcpdump: can't parse filter expression: syntax error"])
    }

    @Test func nodeSideFilterAndDevice() {
        #expect(NodeFilter.forPod(ip: "10.244.1.5", user: []) == ["host 10.244.1.5"])
        #expect(NodeFilter.forPod(ip: "10.244.1.5", user: ["icmp"]) == ["host 10.244.1.5 and ( icmp )"])
        #expect(NodeFilter.device(fromRoute: "10.244.1.5 dev cbr0 src 10.244.1.1 uid 0 \\    cache \n") == "cbr0")
        #expect(NodeFilter.device(fromRoute: "local 10.0.0.4 dev lo table local src 10.0.0.4") == nil)
        #expect(NodeFilter.device(fromRoute: "garbage") == nil)
    }
}
