@testable import AKSNet
import KubeClient
import KubeModel
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The collection's orchestration against the in-memory cluster: which nodes, Windows and
/// NotReady listed not collected, the concurrency cap, a node that fails among good ones, a
/// user who may not create pods, and no helper left on any way out.
@Suite(.serialized) struct InspectCollectorTests {
    /// A Linux node with a podCIDR, Ready unless told.
    static func node(_ name: String, os: String = "linux", ready: String = "True", cidr: String? = "10.244.0.0/24",
                     labels: [String: String] = [:]) -> JSONValue {
        var allLabels = JSONObject()
        allLabels["kubernetes.io/os"] = .string(os)
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) { allLabels[key] = .string(value) }
        var spec = JSONObject()
        if let cidr { spec["podCIDR"] = .string(cidr); spec["podCIDRs"] = [.string(cidr)] }
        return ["apiVersion": "v1", "kind": "Node",
                "metadata": ["name": .string(name), "labels": .object(allLabels)],
                "spec": .object(spec),
                "status": ["conditions": [["type": "Ready", "status": .string(ready), "message": "kubelet stopped posting node status"]]]]
    }

    static func cluster(_ nodes: [JSONValue], faults: Set<FakeKubeAPI.Fault> = []) -> FakeKubeAPI {
        let configMaps: [JSONValue] = ["kube-proxy-config", "azure-ip-masq-agent-config", "coredns", "cluster-secrets-cache"].map { name in
            ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name), "namespace": "kube-system"], "data": ["k": "v"]]
        }
        let secret: JSONValue = ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "token", "namespace": "kube-system"],
                                 "data": ["token": "c2VjcmV0"]]
        let api = FakeKubeAPI(nodes + configMaps + [secret], faults: faults)
        api.setExecReply { request in (0, Self.scriptOutput(request)) }
        return api
    }

    /// What the collector script prints, framed with the request's nonce: one sysctls run and the probe.
    static func scriptOutput(_ request: ExecRequest, ipForward: String = "1") -> String {
        let argv = request.command
        guard argv.count >= 6 else { return "" }
        let nonce = argv[4]
        let peers = stride(from: 6, to: argv.count - 1, by: 2).map { "\(argv[$0]) \(argv[$0 + 1]) ok" }
        let m = "@@aksnet:\(nonce)"
        return "\(m) begin sysctls sysctl\nnet.ipv4.ip_forward = \(ipForward)\n\n\(m) stderr sysctls\n\n\(m) end sysctls exit=0 ms=1 truncated=0 limit=10\n"
            + "\(m) begin pod-network-probe ping\n" + peers.map { $0 + "\n" }.joined() + "\n\(m) stderr pod-network-probe\n\n"
            + "\(m) end pod-network-probe exit=0 ms=5 truncated=0 limit=10\n"
    }

    static func options(_ change: (inout InspectOptions) -> Void = { _ in }) -> InspectOptions {
        var options = InspectOptions()
        options.session = "5e55104e"
        options.startTimeout = 5
        change(&options)
        return options
    }

    @Test func everyLinuxNodeIsCollectedAndItsHelperDeleted() throws {
        let api = Self.cluster([Self.node("n1", cidr: "10.244.0.0/24"), Self.node("n2", cidr: "10.244.1.0/24")])
        let evidence = try InspectCollector(client: api, options: Self.options()).collect()
        #expect(evidence.nodes.map(\.node) == ["n1", "n2"])
        #expect(evidence.nodes.allSatisfy { $0.collected && $0.reason == nil }, "\(evidence.nodes.map(\.reason))")
        #expect(evidence.node("n1")?.run(CollectorCommands.sysctls)?.output == "net.ipv4.ip_forward = 1\n")
        #expect(evidence.node("n1")?.run(CollectorCommands.podNetworkProbe)?.output == "n2 10.244.1.1 ok\n")
        #expect(evidence.node("n2")?.run(CollectorCommands.podNetworkProbe)?.output == "n1 10.244.0.1 ok\n")
        #expect(api.pods(in: HelperLabels.namespace).isEmpty, "every helper deleted")
        let created = api.calls.filter { $0.verb == "create" && $0.path.hasSuffix("/pods") }
        #expect(created.count == 2)
        // Probes (`true`, until the kubelet runs the helper) come before the collector.
        let exec = try #require(api.execs.first { $0.command != ["true"] })
        #expect(exec.command.prefix(2) == ["sh", "-c"] && exec.command[2] == CollectorScript.script, "a fixed script, argv after it")
    }

    @Test func theAPIPartKeepsOnlyNetworkConfigMapsAndNoSecret() throws {
        let api = Self.cluster([Self.node("n1")])
        let evidence = try InspectCollector(client: api, options: Self.options()).collect()
        let names = evidence.api[APIEvidenceKeys.kubeSystemConfigMaps]?["items"]?.arrayValue?.compactMap(\.metadataName) ?? []
        #expect(names.sorted() == ["azure-ip-masq-agent-config", "coredns", "kube-proxy-config"])
        #expect(!evidence.json.serialized().contains("\"Secret\""))
        #expect(!evidence.json.serialized().contains("c2VjcmV0"))
        #expect(!api.calls.contains { $0.path.contains("secrets") }, "secrets are never read")
        #expect(evidence.apiErrors[APIEvidenceKeys.version] != nil, "the fake has no /version: recorded, not fatal")
    }

    @Test func namedNodesOnlyAndAnUnknownNameIsAnError() throws {
        let api = Self.cluster([Self.node("n1"), Self.node("n2"), Self.node("n3")])
        let evidence = try InspectCollector(client: api, options: Self.options { $0.nodes = ["n3", "n1"] }).collect()
        #expect(evidence.nodes.map(\.node) == ["n3", "n1"])
        #expect(throws: InspectError.unknownNode("nope")) {
            try InspectCollector(client: api, options: Self.options { $0.nodes = ["nope"] }).collect()
        }
    }

    @Test func theSelectorPicksPools() throws {
        let api = Self.cluster([Self.node("a1", labels: ["agentpool": "a"]), Self.node("b1", labels: ["agentpool": "b"])])
        let evidence = try InspectCollector(client: api, options: Self.options { $0.selector = "agentpool=b" }).collect()
        #expect(evidence.nodes.map(\.node) == ["b1"])
    }

    @Test func windowsAndNotReadyNodesAreListedNotCollected() throws {
        let api = Self.cluster([Self.node("n1"), Self.node("win1", os: "windows", cidr: nil), Self.node("n2", ready: "Unknown")])
        let evidence = try InspectCollector(client: api, options: Self.options()).collect()
        let windows = try #require(evidence.node("win1"))
        #expect(!windows.collected && windows.reason == NodeSelection.windowsReason && windows.hint?.contains("Get-HnsNetwork") == true)
        let notReady = try #require(evidence.node("n2"))
        #expect(!notReady.collected && notReady.reason == "node is NotReady (Ready=Unknown: kubelet stopped posting node status)")
        #expect(evidence.node("n1")?.collected == true)
        let pinned = api.calls.filter { $0.verb == "create" && $0.path.hasSuffix("/pods") }
        #expect(pinned.count == 1, "no pod for the Windows or NotReady node")
        #expect(!api.execs.contains { $0.pod.contains("win1") })
    }

    @Test func concurrencyIsCapped() throws {
        let nodes = (1...9).map { Self.node("n\($0)", cidr: "10.244.\($0).0/24") }
        let api = Self.cluster(nodes)
        let gauge = Mutex((now: 0, peak: 0))
        api.setExecReply { request in
            gauge.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) }
            usleep(40_000)
            gauge.withLock { $0.now -= 1 }
            return (0, Self.scriptOutput(request))
        }
        let seen = Mutex<[CollectProgress]>([])
        let evidence = try InspectCollector(client: api, options: Self.options { $0.concurrency = 3 }) { progress in
            seen.withLock { $0.append(progress) }
        }.collect()
        #expect(evidence.nodes.count == 9 && evidence.nodes.allSatisfy(\.collected))
        let peak = gauge.withLock { $0.peak }
        #expect(peak <= 3 && peak >= 2, "peak \(peak)")
        let last = seen.withLock { $0.max { $0.done < $1.done } }
        #expect(last == CollectProgress(done: 9, total: 9, failed: 0))
        #expect(last?.line == "inspect: 9/9 nodes, 0 failed")
    }

    @Test func aFailingNodeIsRecordedAndTheRestCollected() throws {
        let api = Self.cluster([Self.node("n1"), Self.node("n2")])
        api.setExecReply { request in
            request.pod.contains("n2") ? (1, "") : (0, Self.scriptOutput(request))
        }
        let evidence = try InspectCollector(client: api, options: Self.options()).collect()
        #expect(evidence.node("n1")?.collected == true)
        let bad = try #require(evidence.node("n2"))
        #expect(!bad.collected && bad.reason?.contains("the collector printed nothing (exit 1)") == true, "\(String(describing: bad.reason))")
        #expect(api.pods(in: HelperLabels.namespace).isEmpty)
    }

    @Test func anImagePullFailureIsTheNodesReason() throws {
        let api = Self.cluster([Self.node("n1")], faults: [.imagePullFails])
        let evidence = try InspectCollector(client: api, options: Self.options()).collect()
        let node = try #require(evidence.node("n1"))
        #expect(!node.collected && node.reason?.contains("ErrImagePull") == true, "\(String(describing: node.reason))")
        #expect(api.pods(in: HelperLabels.namespace).isEmpty, "deleted although it never ran")
    }

    @Test func aHelperThatNeverRunsTimesOutAsTheNodesReason() throws {
        let api = Self.cluster([Self.node("n1"), Self.node("n2")], faults: [.neverRuns])
        let evidence = try InspectCollector(client: api, options: Self.options { $0.startTimeout = 0.3 }).collect()
        #expect(evidence.nodes.allSatisfy { !$0.collected && $0.reason?.contains("Timeout: not running after 0s") == true },
                "\(evidence.nodes.map(\.reason))")
        #expect(api.pods(in: HelperLabels.namespace).isEmpty)
    }

    @Test func aRestrictedHelperNamespaceIsEveryNodesReason() throws {
        let api = Self.cluster([Self.node("n1"), FakeObjects.namespace("aksnet-system", enforce: "restricted")])
        let evidence = try InspectCollector(client: api, options: Self.options()).collect()
        let node = try #require(evidence.node("n1"))
        #expect(!node.collected && node.reason?.hasPrefix("helper refused by PodSecurity: namespace aksnet-system enforces PodSecurity \"restricted\"") == true,
                "\(String(describing: node.reason))")
        #expect(!api.calls.contains { $0.verb == "create" && $0.path.hasSuffix("/pods") })
    }

    @Test func aViewerGetsTheAPIPartAndWhatIsMissing() throws {
        let api = Self.cluster([Self.node("n1"), Self.node("n2")],
                               faults: [.createForbidden("pods is forbidden: User \"viewer\" cannot create resource \"pods\" in API group \"\" in the namespace \"aksnet-system\"")])
        let evidence = try InspectCollector(client: api, options: Self.options { $0.concurrency = 1 }).collect()
        #expect(evidence.missingPermissions == ["create pods"])
        #expect(evidence.nodes.count == 2 && evidence.nodes.allSatisfy { !$0.collected })
        #expect(evidence.api[APIEvidenceKeys.nodes] != nil)
        let creates = api.calls.filter { $0.verb == "create" && $0.path.hasSuffix("/pods") }
        #expect(creates.count == 1, "after the first 403 no other pod is tried")
    }

    @Test func anAccessReviewThatSaysNoStopsBeforeAnyPod() throws {
        let api = ReviewingAPI(base: Self.cluster([Self.node("n1")]), denied: ["exec"])
        let evidence = try InspectCollector(client: api, options: Self.options()).collect()
        #expect(evidence.missingPermissions == ["create pods/exec", "get pods/exec"])
        #expect(evidence.node("n1")?.reason == "not collected: this user may not create pods/exec, get pods/exec in aksnet-system")
        #expect(!api.base.calls.contains { $0.verb == "create" && $0.path.hasSuffix("/pods") })
    }

    @Test func theDaemonSetPathPastTheThreshold() throws {
        let api = Self.cluster([Self.node("n1", cidr: "10.244.1.0/24"), Self.node("n2", cidr: "10.244.2.0/24"), Self.node("n3", cidr: "10.244.3.0/24")])
        // The fake has no DaemonSet controller: make its pods the way one would.
        let controller = FakeDaemonSetController(api: api)
        let evidence = try InspectCollector(client: controller, options: Self.options { $0.daemonSetThreshold = 2 }).collect()
        #expect(evidence.nodes.map(\.node) == ["n1", "n2", "n3"] && evidence.nodes.allSatisfy(\.collected), "\(evidence.nodes.map(\.reason))")
        #expect(api.calls.filter { $0.verb == "create" && $0.path.hasSuffix("/daemonsets") }.count == 1)
        #expect(api.calls.filter { $0.verb == "create" && $0.path.hasSuffix("/pods") }.isEmpty, "no pod per node")
        #expect(api.object(ResourcePath(group: "apps", resource: "daemonsets", namespace: "aksnet-system", name: "aksnet-inspect-5e55104e")) == nil)
        #expect(api.pods(in: HelperLabels.namespace).isEmpty)
        let daemonSet = try #require(controller.created.withLock { $0 })
        #expect(daemonSet["spec"]?["template"]?["spec"]?["nodeSelector"]?["kubernetes.io/os"]?.stringValue == "linux")
        #expect(daemonSet["spec"]?["template"]?["spec"]?["tolerations"] == [["operator": "Exists"]])
        #expect(daemonSet["spec"]?["template"]?["spec"]?["hostNetwork"]?.boolValue == true)
    }
}
