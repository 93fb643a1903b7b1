@testable import AKSNet
import KubeClient
import KubeModel
import Synchronization
import Testing

/// waitStarted against the in-memory cluster: the attempt wins while the status still says
/// Pending, the watch's failure or Running ends the attempts, and "not yet" is only an upgrade
/// refused the way a starting pod's kubelet refuses it.
@Suite struct EarlyStartTests {
    static let options = HelperSessionTests.options

    func session(_ faults: Set<FakeKubeAPI.Fault>) throws -> (FakeKubeAPI, HelperSession) {
        let api = FakeKubeAPI([HelperSessionTests.helperNamespace], faults: faults)
        let session = HelperSession(client: api, options: Self.options)
        _ = try session.createPod(HelperSessionTests.helperPod("h1"))
        return (api, session)
    }

    @Test func theAttemptWinsWhileTheStatusStillSaysPending() throws {
        let (api, session) = try session([.neverRuns])
        var tries = 0
        let value = try session.waitStarted(namespace: HelperLabels.namespace, pod: "h1", container: HelperNames.nodeContainer,
                                            timeout: 10) { () -> String? in
            tries += 1
            return tries < 3 ? nil : "streamed"
        }
        #expect(value == "streamed" && tries == 3)
        #expect(api.object(.pods(HelperLabels.namespace, "h1"))?["status"]?["phase"]?.stringValue != "Running")
    }

    @Test func runningFirstHandsBackToTheUsualPath() throws {
        let (_, session) = try session([])
        let tries = Atomic<Int>(0)
        let value: Int? = try session.waitStarted(namespace: HelperLabels.namespace, pod: "h1", container: HelperNames.nodeContainer,
                                                  timeout: 10) {
            tries.add(1, ordering: .relaxed)
            return nil
        }
        #expect(value == nil && tries.load(ordering: .relaxed) >= 1)
    }

    /// A pod that will not start (a pull failure) or never starts (time-out) ends the attempts
    /// with the reason the usual wait gives.
    @Test(arguments: [(FakeKubeAPI.Fault.imagePullFails, 10.0, "ErrImagePull"), (.neverRuns, 0.3, "Timeout")])
    func aPodThatWillNotStartEndsTheAttempts(fault: FakeKubeAPI.Fault, timeout: Double, reason: String) throws {
        let (_, session) = try session([fault])
        let error = try #require(throws: SessionError.self) {
            let _: Int? = try session.waitStarted(namespace: HelperLabels.namespace, pod: "h1", container: HelperNames.nodeContainer,
                                                  timeout: timeout) { nil }
        }
        guard case .helperFailed(_, _, let said, _, _) = error else { Issue.record("\(error)"); return }
        #expect(said == reason)
    }

    @Test func backOffGrowsToAQuarterSecond() {
        #expect(HelperSession.earlyPause(after: 1) == 0.025 && HelperSession.earlyPause(after: 10) == 0.025)
        #expect(HelperSession.earlyPause(after: 11) == 0.05 && HelperSession.earlyPause(after: 13) == 0.2)
        #expect(HelperSession.earlyPause(after: 14) == 0.25 && HelperSession.earlyPause(after: 1000) == 0.25)
        // Over a two-second start: under twenty requests.
        var spent = 0.0, attempts = 0
        while spent < 2 { attempts += 1; spent += HelperSession.earlyPause(after: attempts) }
        #expect(attempts < 20, "\(attempts)")
        #expect(HelperSession.earlyWindow == 15)
    }

    @Test(arguments: [
        (400, true), (404, true), (500, true), (401, false), (403, false), (429, false), (503, false),
    ])
    func notYetIsARefusedUpgradeOfAStartingPod(code: Int, notYet: Bool) {
        #expect(KubeError.fromResponse(code: code, body: Array("container not found (\"shell\")".utf8), server: "s").isUpgradeNotYet == notYet)
    }

    @Test func errorsAfterTheUpgradeAreNeverNotYet() {
        #expect(!KubeError(kind: .server, message: "command terminated", server: "s").isUpgradeNotYet)
        #expect(!KubeError(kind: .streamClosed, message: "lost", server: "s").isUpgradeNotYet)
    }

    /// kube-apiserver 1.30+ upgrades a v5 exec before it asks the kubelet: the kubelet's refusal
    /// of a starting pod then comes after the 101, in the Status its stream translator sends.
    @Test(arguments: [
        (#"Internal error occurred: unable to upgrade connection: container not found ("shell")"#, true),
        ("Internal error occurred: unable to upgrade connection: pod does not exist", true),
        ("Internal error occurred: unable to upgrade connection: Forbidden (user=u, verb=create, resource=nodes, subresource=proxy)", false),
        (#"Internal error occurred: error executing command in container: failed to exec in container: exec: "true": executable file not found"#, false),
    ])
    func aRefusalTranslatedAfterTheUpgradeIsNotYet(message: String, notYet: Bool) {
        #expect(KubeError(kind: .server, message: message, server: "s").isUpgradeNotYet == notYet)
    }
}
