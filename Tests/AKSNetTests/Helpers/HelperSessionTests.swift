@testable import AKSNet
import KubeClient
import KubeModel
import Testing

/// HelperSession against the in-memory cluster: what it creates it records, and cleanup
/// deletes exactly that (through the cleanup retry budget), unless kept.
@Suite struct HelperSessionTests {
    static let options = HelperPodOptions(image: "netshoot:1", session: "0a1b2c3d", command: "sniff")
    static let helperNamespace = FakeObjects.namespace(HelperLabels.namespace, enforce: "privileged")

    static func helperPod(_ name: String) -> JSONValue {
        DebugPods.nodeHelper(name: name, node: "n1", options: options)
    }

    @Test func createdPodsAreRecorded() throws {
        let api = FakeKubeAPI([Self.helperNamespace])
        let session = HelperSession(client: api, options: Self.options)
        _ = try session.createPod(Self.helperPod("h1"))
        #expect(session.createdPods.map(\.name) == ["h1"])
        #expect(api.pods(in: HelperLabels.namespace) == ["h1"])
    }

    @Test func cleanupDeletesExactlyWhatItMadeWithTheCleanupBudget() throws {
        let theirs = FakeObjects.pod("theirs", namespace: HelperLabels.namespace)
        let api = FakeKubeAPI([Self.helperNamespace, theirs])
        let session = HelperSession(client: api, options: Self.options)
        _ = try session.createPod(Self.helperPod("h1"))
        _ = try session.createPod(Self.helperPod("h2"))
        #expect(session.cleanup().isEmpty)
        #expect(api.pods(in: HelperLabels.namespace) == ["theirs"])
        let deletes = api.calls.filter { $0.verb == "delete" }
        #expect(deletes.map(\.path) == ["/api/v1/namespaces/aksnet-system/pods/h1", "/api/v1/namespaces/aksnet-system/pods/h2"])
        #expect(deletes.allSatisfy { $0.cleanup })
        #expect(session.cleanup().isEmpty && api.calls.filter { $0.verb == "delete" }.count == 2, "a second cleanup deletes nothing")
    }

    @Test func keepLeavesTheHelpers() throws {
        let api = FakeKubeAPI([Self.helperNamespace])
        let session = HelperSession(client: api, options: Self.options, keep: true)
        _ = try session.createPod(Self.helperPod("h1"))
        #expect(session.cleanup().isEmpty)
        #expect(api.pods(in: HelperLabels.namespace) == ["h1"])
        #expect(!api.calls.contains { $0.verb == "delete" })
    }

    @Test func aDeleteThatFailsIsReportedAndTheRestStillGo() throws {
        let api = FakeKubeAPI([Self.helperNamespace])
        let session = HelperSession(client: api, options: Self.options)
        _ = try session.createPod(Self.helperPod("h1"))
        _ = try session.createPod(Self.helperPod("h2"))
        api.setFaults([.deleteFailsOnce("h1")])
        let failures = session.cleanup()
        #expect(failures.count == 1 && failures[0].contains("aksnet-system/h1") && failures[0].contains("etcdserver"), "\(failures)")
        #expect(api.pods(in: HelperLabels.namespace) == ["h1"])
    }

    @Test func podSecurityRefusalNamesTheLevel() throws {
        let refusal = #"pods "h1" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)"#
        let api = FakeKubeAPI([Self.helperNamespace], faults: [.createForbidden(refusal)])
        let session = HelperSession(client: api, options: Self.options)
        let error = try #require(throws: SessionError.self) { _ = try session.createPod(Self.helperPod("h1")) }
        guard case .podSecurity(_, let level, _, _) = error else { Issue.record("\(error)"); return }
        #expect(level == "baseline")
        #expect(session.createdPods.isEmpty)
    }

    @Test func rbacRefusalSaysWhatIsNeeded() throws {
        let api = FakeKubeAPI([Self.helperNamespace], faults: [.createForbidden(#"pods is forbidden: User "viewer" cannot create resource "pods""#)])
        let session = HelperSession(client: api, options: Self.options)
        let error = try #require(throws: SessionError.self) { _ = try session.createPod(Self.helperPod("h1")) }
        #expect(error.description.contains("create pods in namespace aksnet-system"), "\(error)")
    }

    @Test func aCreatedPodRunsOnTheNextWatchEvent() throws {
        let api = FakeKubeAPI([Self.helperNamespace])
        let session = HelperSession(client: api, options: Self.options)
        _ = try session.createPod(Self.helperPod("h1"))
        try session.waitRunning(namespace: HelperLabels.namespace, pod: "h1", container: HelperNames.nodeContainer,
                                ephemeral: false, timeout: 5)
        #expect(api.object(.pods(HelperLabels.namespace, "h1"))?["status"]?["phase"]?.stringValue == "Running")
    }

    @Test func anImagePullFailureSaysSoWithTheEvents() throws {
        let event = FakeObjects.warningEvent(pod: "h1", namespace: HelperLabels.namespace, reason: "Failed",
                                             message: "Failed to pull image \"netshoot:1\": not found")
        let api = FakeKubeAPI([Self.helperNamespace, event], faults: [.imagePullFails])
        let session = HelperSession(client: api, options: Self.options)
        _ = try session.createPod(Self.helperPod("h1"))
        let error = try #require(throws: SessionError.self) {
            try session.waitRunning(namespace: HelperLabels.namespace, pod: "h1", container: HelperNames.nodeContainer,
                                    ephemeral: false, timeout: 5)
        }
        guard case .helperFailed(_, _, let reason, _, let events) = error else { Issue.record("\(error)"); return }
        #expect(reason == "ErrImagePull")
        #expect(events == ["Failed: Failed to pull image \"netshoot:1\": not found"])
        #expect(error.description.contains("--image"))
    }

    @Test func aPodThatNeverRunsTimesOut() throws {
        let api = FakeKubeAPI([Self.helperNamespace], faults: [.neverRuns])
        let session = HelperSession(client: api, options: Self.options)
        _ = try session.createPod(Self.helperPod("h1"))
        let error = try #require(throws: SessionError.self) {
            try session.waitRunning(namespace: HelperLabels.namespace, pod: "h1", container: HelperNames.nodeContainer,
                                    ephemeral: false, timeout: 0.2)
        }
        guard case .helperFailed(_, _, let reason, let message, _) = error else { Issue.record("\(error)"); return }
        #expect(reason == "Timeout" && message.contains("still Pending"), "\(message)")
        #expect(session.cleanup().isEmpty && api.pods(in: HelperLabels.namespace).isEmpty)
    }

    @Test func anEphemeralContainerIsHeldAndEndedByCleanup() throws {
        let api = FakeKubeAPI([FakeObjects.pod("web")])
        let session = HelperSession(client: api, options: Self.options)
        let name = HelperNames.ephemeralContainer(command: "sniff", session: Self.options.session)
        try session.addEphemeralContainer(namespace: "default", pod: "web",
                                          DebugPods.ephemeralCapture(name: name, targetContainer: "main", options: Self.options))
        try session.waitRunning(namespace: "default", pod: "web", container: name, ephemeral: true, timeout: 5)
        session.holdEphemeral(namespace: "default", pod: "web", container: name)
        #expect(session.cleanup().isEmpty)
        #expect(api.execs.filter { $0.kind == .attach }.map(\.container) == [name])
        let state = api.object(.pods("default", "web"))?["status"]?["ephemeralContainerStatuses"]?.arrayValue?.first?["state"]
        #expect(state?["terminated"] != nil, "\(String(describing: state))")
        #expect(api.pods(in: "default") == ["web"], "the user's pod is never deleted")
    }

    @Test func theHelperNamespaceIsMadeWithItsPodSecurityLabel() throws {
        let api = FakeKubeAPI()
        let session = HelperSession(client: api, options: Self.options)
        try session.ensureHelperNamespace()
        let made = api.object(.namespaces(HelperLabels.namespace))
        #expect(made?["metadata"]?["labels"]?[HelperLabels.podSecurityEnforce]?.stringValue == "privileged")
    }

    @Test func aHelperNamespaceThatRefusesPrivilegedIsExplained() throws {
        let api = FakeKubeAPI([FakeObjects.namespace(HelperLabels.namespace, enforce: "baseline")])
        let session = HelperSession(client: api, options: Self.options)
        let error = try #require(throws: SessionError.self) { try session.ensureHelperNamespace() }
        #expect(error.description.contains("--overwrite") && error.description.contains("baseline"), "\(error)")
    }
}
