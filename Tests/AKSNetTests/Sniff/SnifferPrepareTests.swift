@testable import AKSNet
import KubeClient
import KubeModel
import Testing

/// Sniffer's orchestration before the capture starts (helpers made, one worker per target),
/// against the fake: which helper each target gets and what its tcpdump is told.
@Suite struct SnifferPrepareTests {
    static let cluster: [JSONValue] = [
        FakeObjects.node("n1"), FakeObjects.node("n2"),
        FakeObjects.pod("a", node: "n1", ip: "10.244.0.5"),
    ]

    static func sniffer(_ api: FakeKubeAPI, mode: CaptureMode = .auto) -> Sniffer {
        var options = SniffOptions()
        options.mode = mode
        options.quiet = true
        options.startTimeout = 5
        return Sniffer(client: api, options: options)
    }

    static func plan(_ target: ResolvedTarget, _ how: CapturePlan.How) -> CapturePlan {
        CapturePlan(target: target, how: how, reason: "test")
    }

    static let podA = ResolvedTarget(kind: .pod(namespace: "default", name: "a", container: "main", podIP: "10.244.0.5",
                                                hostNetwork: false), nodeName: "n1")

    @Test func aNodeGetsANodeHelperAndLeavesOutItsOwnStream() throws {
        let api = FakeKubeAPI(Self.cluster)
        let sniffer = Self.sniffer(api)
        defer { sniffer.finishSession(kept: false) }
        let workers = try sniffer.prepare([Self.plan(ResolvedTarget(kind: .node, nodeName: "n1"), .node)])
        let session = sniffer.session.options.session
        #expect(workers.map(\.execTarget) == [ExecTarget(namespace: "aksnet-system", pod: "aksnet-sniff-n1-\(session)", container: "aksnet")])
        #expect(workers.first?.invocation.interface == "any")
        #expect(workers.first?.invocation.filter == ["not ( (host 10.224.0.4 and tcp port 10250) )"])
    }

    @Test func twoTargetsOnOneNodeShareItsHelper() throws {
        let api = FakeKubeAPI(Self.cluster)
        api.setExecReply { _ in (0, "10.244.0.5 dev veth1a2b src 10.244.0.1 uid 0\n    cache\n") }
        let sniffer = Self.sniffer(api)
        defer { sniffer.finishSession(kept: false) }
        let workers = try sniffer.prepare([Self.plan(ResolvedTarget(kind: .node, nodeName: "n1"), .node), Self.plan(Self.podA, .node)])
        #expect(workers.count == 2 && workers[0].execTarget == workers[1].execTarget)
        #expect(api.pods(in: "aksnet-system").count == 1)
        #expect(workers[1].invocation.interface == "veth1a2b", "a pod on its node: the device its IP routes through")
        #expect(workers[1].invocation.filter == ["host 10.244.0.5"])
        // After the helper's start probes (`true`, until the kubelet runs it), one route lookup.
        let commands = api.execs.map(\.command)
        #expect(commands.drop { $0 == ["true"] } == [["ip", "-o", "route", "get", "10.244.0.5"]], "\(commands)")
    }

    @Test func aPodGetsAnEphemeralContainerHeldUntilTheEnd() throws {
        let api = FakeKubeAPI(Self.cluster)
        let sniffer = Self.sniffer(api)
        let workers = try sniffer.prepare([Self.plan(Self.podA, .ephemeral)])
        let name = HelperNames.ephemeralContainer(command: "sniff", session: sniffer.session.options.session)
        #expect(workers.map(\.execTarget) == [ExecTarget(namespace: "default", pod: "a", container: name)])
        #expect(workers.first?.invocation.nonPromiscuous == true && workers.first?.invocation.interface == "eth0")
        sniffer.finishSession(kept: false)
        #expect(api.execs.filter { $0.kind == .attach }.map(\.container) == [name])
        #expect(api.pods(in: "aksnet-system").isEmpty && api.pods(in: "default") == ["a"])
    }

    @Test func aHelperThatFailsLeavesNothingBehind() throws {
        let api = FakeKubeAPI(Self.cluster, faults: [.imagePullFails])
        let sniffer = Self.sniffer(api)
        #expect(throws: SniffError.self) { _ = try sniffer.prepare([Self.plan(ResolvedTarget(kind: .node, nodeName: "n1"), .node)]) }
        sniffer.finishSession(kept: false)
        #expect(api.pods(in: "aksnet-system").isEmpty)
    }
}
