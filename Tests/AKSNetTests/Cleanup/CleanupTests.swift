@testable import AKSNet
import KubeModel
import Testing

@Suite struct CleanupTests {
    @Test func onlyOurPodsWithTheirAge() {
        let ours: JSONValue = ["metadata": ["name": "h", "namespace": "aksnet-system", "creationTimestamp": "2026-01-01T00:00:00Z",
                                            "labels": ["app.kubernetes.io/managed-by": "kubectl-aksnet", "aksnet.io/command": "sniff"]]]
        let theirs: JSONValue = ["metadata": ["name": "x", "namespace": "default", "labels": ["app": "web"]]]
        let now = 1_767_225_600.0 + 120  // 2026-01-01T00:02:00Z
        let found = Cleanup.leftover(ours, now: now)
        #expect(found?.name == "h" && found?.command == "sniff")
        #expect(found?.age == 120)
        #expect(Cleanup.leftover(theirs, now: now) == nil)
    }
}
