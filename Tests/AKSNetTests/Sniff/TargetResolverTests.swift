@testable import AKSNet
import KubeClient
import KubeModel
import Testing

/// What the user typed → running pods and nodes, with kubectl's wording, against the fake.
@Suite struct TargetResolverTests {
    static let cluster: [JSONValue] = [
        FakeObjects.node("n1"), FakeObjects.node("n2"), FakeObjects.node("w1", os: "windows"),
        FakeObjects.pod("a", node: "n1", ip: "10.244.0.5"),
        FakeObjects.pod("b", node: "n2", ip: "10.244.1.6"),
        FakeObjects.pod("c", namespace: "other", node: "n2"),
        FakeObjects.pod("win", node: "w1", labels: ["app": "iis"]),
        FakeObjects.pod("stuck", phase: "Pending", labels: ["app": "stuck"]),
        FakeObjects.deployment("web", matchLabels: ["app": "web"]),
    ]

    static func resolve(_ specs: [TargetSpec], allNamespaces: Bool = false,
                        container: String? = nil) throws(SniffError) -> [ResolvedTarget] {
        try TargetResolver(client: FakeKubeAPI(cluster), namespace: "default", allNamespaces: allNamespaces,
                           container: container).resolve(specs)
    }

    @Test func aPodByName() throws {
        let targets = try Self.resolve([.pod("a")])
        #expect(targets == [ResolvedTarget(kind: .pod(namespace: "default", name: "a", container: "main", podIP: "10.244.0.5",
                                                      hostNetwork: false), nodeName: "n1")])
    }

    @Test func aNode() throws {
        #expect(try Self.resolve([.node("n2")]) == [ResolvedTarget(kind: .node, nodeName: "n2")])
    }

    @Test func aDeploymentIsItsRunningPods() throws {
        #expect(try Self.resolve([.deployment("web")]).map(\.interfaceName) == ["pod/default/a", "pod/default/b"])
    }

    @Test func aSelectorInEveryNamespace() throws {
        #expect(try Self.resolve([.selector("app=web")], allNamespaces: true).map(\.interfaceName)
                == ["pod/default/a", "pod/default/b", "pod/other/c"])
    }

    @Test func aSelectorWithNoRunningPodIsAnError() throws {
        let error = try #require(throws: SniffError.self) { _ = try Self.resolve([.selector("app=stuck")]) }
        #expect(error.description.contains("none Running"), "\(error)")
    }

    @Test func aWindowsNodeIsRefusedWithPktmon() throws {
        let error = try #require(throws: SniffError.self) { _ = try Self.resolve([.node("w1")]) }
        guard case .windowsNode(let node, _) = error else { Issue.record("\(error)"); return }
        #expect(node == "w1" && error.description.contains("pktmon"))
    }

    @Test func aPodOnAWindowsNodeIsRefused() throws {
        let error = try #require(throws: SniffError.self) { _ = try Self.resolve([.pod("win")]) }
        #expect(error.description.contains("runs on node w1, a Windows node"), "\(error)")
    }

    @Test func aPodThatIsNotRunning() throws {
        let error = try #require(throws: SniffError.self) { _ = try Self.resolve([.pod("stuck")]) }
        #expect(error.description.contains("is not Running (phase Pending: ContainerCreating)"), "\(error)")
    }

    @Test func aMissingPodInKubectlsWords() throws {
        let error = try #require(throws: SniffError.self) { _ = try Self.resolve([.pod("nosuchpod")]) }
        #expect(error.description.contains("pods \"nosuchpod\" not found"), "\(error)")
    }

    @Test func anUnknownContainerListsTheRealOnes() throws {
        let error = try #require(throws: SniffError.self) { _ = try Self.resolve([.pod("a")], container: "sidecar") }
        #expect(error.description.contains("container sidecar is not valid for pod a (containers: main)"), "\(error)")
    }

    @Test func aPodNamedTwiceIsCapturedOnce() throws {
        #expect(try Self.resolve([.pod("a"), .selector("app=web")]).map(\.interfaceName) == ["pod/default/a", "pod/default/b"])
    }
}
