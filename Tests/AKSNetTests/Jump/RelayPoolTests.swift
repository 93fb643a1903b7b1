import AKSNet
import KubeModel
import Testing

@Suite struct RelayPoolTests {
    static func relay(phase: String = "Running", started: String = "2026-01-01T00:00:00Z", deadline: Int64 = 3600,
                      closing: Bool = false, deleting: Bool = false) -> JSONValue {
        var annotations = JSONObject()
        if closing { annotations[JumpPods.closingAnnotation] = "true" }
        var metadata = JSONObject()
        metadata["name"] = "r"
        metadata["annotations"] = .object(annotations)
        if deleting { metadata["deletionTimestamp"] = "2026-01-01T00:10:00Z" }
        return ["metadata": .object(metadata), "spec": ["activeDeadlineSeconds": .int(deadline)],
                "status": ["phase": .string(phase), "startTime": .string(started),
                           "containerStatuses": [["name": "relay", "state": ["running": ["startedAt": .string(started)]]]]]]
    }

    @Test func joinsARunningOrStartingRelayWithTimeLeft() throws {
        let start = try #require(RFC3339.parse("2026-01-01T00:00:00Z"))
        func joinability(_ pod: JSONValue, at now: Double) -> RelayPool.Joinability {
            RelayPool.joinability(pod, now: now, minimumRemaining: 120)
        }
        #expect(joinability(Self.relay(), at: start + 60) == .running)
        #expect(joinability(Self.relay(), at: start + 3500) == .no, "ends too soon")
        #expect(joinability(Self.relay(closing: true), at: start) == .no, "its last user is leaving")
        #expect(joinability(Self.relay(deleting: true), at: start) == .no)
        // Still being created, as far as its status says (the kubelet's relist comes later).
        let creating = Self.relay(phase: "Pending").setting(["spec", "nodeName"], to: "n1")
            .setting(["status", "containerStatuses"], to: [["name": "relay", "state": ["waiting": ["reason": "ContainerCreating"]]]])
        #expect(joinability(creating, at: start) == .starting)
        #expect(joinability(creating.setting(["status", "containerStatuses"], to: []), at: start) == .starting)
        #expect(joinability(Self.relay(phase: "Pending"), at: start) == .no, "not scheduled")
        let pulling = creating.setting(["status", "containerStatuses"], to: [["name": "relay", "state": ["waiting": ["reason": "ErrImagePull"]]]])
        #expect(joinability(pulling, at: start) == .no, "a relay that will not start")
        #expect(joinability(Self.relay(phase: "Failed"), at: start) == .no)
    }
}
