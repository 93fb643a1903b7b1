@testable import AKSNet
import KubeClient
import KubeModel
import Testing

/// `Cleanup.run` against the fake: leftovers found by label and age, a dry run, ephemeral
/// containers still running, and a delete that fails.
@Suite struct CleanupRunTests {
    static let now = RFC3339.parse("2026-01-01T02:00:00Z") ?? 0

    /// A helper pod a killed sniff left, created at `created`.
    static func leftover(_ name: String, namespace: String = "aksnet-system", created: String = "2026-01-01T00:00:00Z") -> JSONValue {
        FakeObjects.pod(name, namespace: namespace, labels: [HelperLabels.managedByKey: "kubectl-aksnet",
                                                            "aksnet.io/command": "sniff"], created: created)
    }

    /// A user's pod with one of our ephemeral containers in `state` (running or terminated).
    static func podWithEphemeral(_ state: JSONValue, container: String = "aksnet-sniff-0a1b2c3d") -> JSONValue {
        FakeObjects.pod("web").setting(["status", "ephemeralContainerStatuses"], to: [["name": .string(container), "state": state]])
    }

    static let running: JSONValue = ["running": ["startedAt": "2026-01-01T00:30:00Z"]]

    @Test func leftoversAreFoundByLabelAndDeletedWithTheCleanupBudget() throws {
        let api = FakeKubeAPI([Self.leftover("h1"), FakeObjects.pod("theirs", namespace: "aksnet-system")])
        let report = try Cleanup(client: api).run(scope: .allNamespaces, olderThan: nil, dryRun: false, now: Self.now)
        #expect(report.entries == [.init(action: .deletePod, subject: "pod/h1 in aksnet-system", age: 7200, result: .done)])
        #expect(api.pods(in: "aksnet-system") == ["theirs"])
        #expect(api.calls.filter { $0.verb == "delete" }.allSatisfy { $0.cleanup })
    }

    @Test func inspectsDaemonSetIsFoundAndDeleted() throws {
        let set: JSONValue = ["apiVersion": "apps/v1", "kind": "DaemonSet",
                              "metadata": ["name": "aksnet-inspect-0a1b2c3d", "namespace": "aksnet-system",
                                           "labels": [HelperLabels.managedByKey: "kubectl-aksnet", "aksnet.io/command": "inspect"],
                                           "creationTimestamp": "2026-01-01T00:00:00Z"]]
        let theirs: JSONValue = ["apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": ["name": "theirs", "namespace": "aksnet-system"]]
        let api = FakeKubeAPI([set, theirs])
        let report = try Cleanup(client: api).run(scope: .current("default"), olderThan: nil, dryRun: false, now: Self.now)
        #expect(report.entries == [.init(action: .deleteDaemonSet, subject: "daemonset/aksnet-inspect-0a1b2c3d in aksnet-system",
                                         age: 7200, result: .done)])
        #expect(api.object(ResourcePath(group: "apps", resource: "daemonsets", namespace: "aksnet-system", name: "aksnet-inspect-0a1b2c3d")) == nil)
        #expect(api.object(ResourcePath(group: "apps", resource: "daemonsets", namespace: "aksnet-system", name: "theirs")) != nil)
    }

    @Test func olderThanLeavesYoungHelpers() throws {
        let api = FakeKubeAPI([Self.leftover("old"), Self.leftover("young", created: "2026-01-01T01:59:00Z")])
        let report = try Cleanup(client: api).run(scope: .allNamespaces, olderThan: 3600, dryRun: false, now: Self.now)
        #expect(report.entries.map(\.subject) == ["pod/old in aksnet-system"])
        #expect(api.pods(in: "aksnet-system") == ["young"])
    }

    @Test func aDryRunOnlyLists() throws {
        let api = FakeKubeAPI([Self.leftover("h1"), Self.podWithEphemeral(Self.running)])
        let report = try Cleanup(client: api).run(scope: .allNamespaces, olderThan: nil, dryRun: true, now: Self.now)
        #expect(report.entries.map(\.result) == [.dryRun, .dryRun])
        #expect(!api.calls.contains { $0.verb == "delete" || $0.verb == "attach" })
    }

    @Test func theCurrentScopeIsTheNamespaceAndTheHelperNamespace() throws {
        let api = FakeKubeAPI([Self.leftover("h1"), Self.leftover("mine", namespace: "team"), Self.leftover("far", namespace: "elsewhere")])
        let report = try Cleanup(client: api).run(scope: .current("team"), olderThan: nil, dryRun: true, now: Self.now)
        #expect(report.entries.map(\.subject) == ["pod/mine in team", "pod/h1 in aksnet-system"])
        #expect(Cleanup.Scope.current("aksnet-system").namespaces == ["aksnet-system"])
    }

    @Test func runningEphemeralContainersAreStopped() throws {
        let api = FakeKubeAPI([Self.podWithEphemeral(Self.running)])
        let report = try Cleanup(client: api).run(scope: .allNamespaces, olderThan: nil, dryRun: false, now: Self.now)
        #expect(report.entries == [.init(action: .stopContainer, subject: "ephemeral container aksnet-sniff-0a1b2c3d of pod/web in default",
                                         age: 5400, result: .done)])
        #expect(api.execs.map(\.kind) == [.attach] && api.calls.first { $0.verb == "attach" }?.cleanup == true)
        #expect(api.pods(in: "default") == ["web"], "an ephemeral container's pod is never deleted")
    }

    @Test func endedOrForeignEphemeralContainersAreLeftAlone() throws {
        let ended = Self.podWithEphemeral(["terminated": ["exitCode": 0]])
        let foreign = Self.podWithEphemeral(Self.running, container: "debugger-x").setting(["metadata", "name"], to: "web2")
        let report = try Cleanup(client: FakeKubeAPI([ended, foreign])).run(scope: .allNamespaces, olderThan: nil, dryRun: false, now: Self.now)
        #expect(report.isEmpty)
    }

    @Test func aFailedDeleteIsInTheReportAndTheRestGoOn() throws {
        let api = FakeKubeAPI([Self.leftover("h1"), Self.leftover("h2")], faults: [.deleteFailsOnce("h1")])
        let report = try Cleanup(client: api).run(scope: .allNamespaces, olderThan: nil, dryRun: false, now: Self.now)
        #expect(report.failed)
        #expect(report.entries.map(\.result) == [.failed("Error from server (InternalError): etcdserver: request timed out"), .done])
        #expect(api.pods(in: "aksnet-system") == ["h1"])
    }
}
