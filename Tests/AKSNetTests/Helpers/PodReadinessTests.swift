import AKSNet
import KubeModel
import Testing

@Suite struct PodReadinessTests {
    static func pod(phase: String, statuses: String = "containerStatuses", state: JSONValue) -> JSONValue {
        ["status": ["phase": .string(phase), .init(stringLiteral: statuses): [["name": "c", "state": state]]]]
    }

    @Test func table() {
        let rows: [(JSONValue, Bool, PodReadiness)] = [
            (Self.pod(phase: "Running", state: ["running": ["startedAt": "x"]]), false, .running),
            (Self.pod(phase: "Pending", state: ["waiting": ["reason": "ContainerCreating"]]), false, .waiting("ContainerCreating")),
            (Self.pod(phase: "Pending", state: ["running": ["startedAt": "x"]]), false, .waiting("Pending")),
            (Self.pod(phase: "Pending", state: ["waiting": ["reason": "ErrImagePull", "message": "not found"]]), false,
             .failed(reason: "ErrImagePull", message: "not found")),
            (Self.pod(phase: "Running", statuses: "ephemeralContainerStatuses", state: ["running": [:]]), true, .running),
            (Self.pod(phase: "Running", statuses: "ephemeralContainerStatuses", state: ["waiting": ["reason": "CreateContainerConfigError", "message": "m"]]), true,
             .failed(reason: "CreateContainerConfigError", message: "m")),
            (["status": ["phase": "Running"]], true, .waiting("Running")),
            (["status": ["phase": "Failed", "reason": "DeadlineExceeded", "message": "too long"]], false,
             .failed(reason: "DeadlineExceeded", message: "too long")),
        ]
        for (index, (pod, ephemeral, want)) in rows.enumerated() {
            #expect(PodReadiness.of(pod, container: "c", ephemeral: ephemeral) == want, "row \(index)")
        }
    }
}
