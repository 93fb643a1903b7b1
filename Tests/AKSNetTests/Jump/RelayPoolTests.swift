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

    @Test func joinsOnlyARunningRelayWithTimeLeft() throws {
        let start = try #require(RFC3339.parse("2026-01-01T00:00:00Z"))
        #expect(RelayPool.joinable(Self.relay(), now: start + 60, minimumRemaining: 120))
        #expect(!RelayPool.joinable(Self.relay(), now: start + 3500, minimumRemaining: 120), "ends too soon")
        #expect(!RelayPool.joinable(Self.relay(phase: "Pending"), now: start, minimumRemaining: 120))
        #expect(!RelayPool.joinable(Self.relay(closing: true), now: start, minimumRemaining: 120), "its last user is leaving")
        #expect(!RelayPool.joinable(Self.relay(deleting: true), now: start, minimumRemaining: 120))
    }
}
