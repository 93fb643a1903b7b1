@testable import AKSNet
import KubeModel
import Testing

/// Mode choice with the namespace's PodSecurity level read from the (fake) cluster, as the
/// Sniffer does it: each case on its own.
@Suite struct CapturePlanTests {
    static let pod = ResolvedTarget(kind: .pod(namespace: "locked", name: "r", container: "main", podIP: "10.244.0.9",
                                               hostNetwork: false), nodeName: "n1")

    static func plan(_ mode: CaptureMode, enforce: String?, target: ResolvedTarget = pod) throws(SniffError) -> CapturePlan {
        let api = FakeKubeAPI([FakeObjects.namespace("locked", enforce: enforce)])
        let resolver = TargetResolver(client: api, namespace: "locked", allNamespaces: false, container: nil)
        return try CapturePlan.choose(mode, for: target, podSecurityLevel: target.namespace.flatMap(resolver.podSecurityLevel))
    }

    @Test func autoUsesAnEphemeralContainer() throws {
        #expect(try Self.plan(.auto, enforce: nil).how == .ephemeral)
    }

    @Test func autoInARestrictedNamespaceUsesANodeHelperAndSaysWhy() throws {
        let plan = try Self.plan(.auto, enforce: "restricted")
        #expect(plan.how == .node && plan.reason.contains("enforces PodSecurity restricted"), "\(plan)")
    }

    @Test func ephemeralInARestrictedNamespaceIsRefusedWithTheFix() throws {
        let error = try #require(throws: SniffError.self) { _ = try Self.plan(.ephemeral, enforce: "restricted") }
        #expect(error.description.contains("pod-security.kubernetes.io/enforce=restricted") && error.description.contains("--mode node"))
    }

    @Test func nodeModeForAPod() throws {
        #expect(try Self.plan(.node, enforce: "baseline").how == .node)
    }

    @Test func aNodeCannotBeCapturedEphemerally() throws {
        let node = ResolvedTarget(kind: .node, nodeName: "n1")
        #expect(throws: SniffError.self) { _ = try Self.plan(.ephemeral, enforce: nil, target: node) }
        #expect(try Self.plan(.auto, enforce: nil, target: node).how == .node)
    }

    @Test func anUnreadableNamespaceCountsAsUnlabelled() throws {
        let resolver = TargetResolver(client: FakeKubeAPI(), namespace: "gone", allNamespaces: false, container: nil)
        #expect(resolver.podSecurityLevel(of: "gone") == nil)
    }
}
