import KubeModel

/// Where a helper stands, read from one pod object: the rules `wait Running` uses (pure).
public enum PodReadiness: Equatable, Sendable {
    case waiting(String)
    case running
    /// It will not run: the reason (ErrImagePull, CreateContainerConfigError, Failed…) and message.
    case failed(reason: String, message: String)

    static let fatalWaitingReasons: Set<String> = [
        "ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull", "CreateContainerConfigError",
        "CreateContainerError", "RunContainerError", "CrashLoopBackOff",
    ]

    /// `container` names the container to watch; `ephemeral` says which status list holds it.
    public static func of(_ pod: JSONValue, container: String, ephemeral: Bool) -> PodReadiness {
        let status = pod["status"] ?? .null
        let phase = status["phase"]?.stringValue ?? "Pending"
        if phase == "Failed" || phase == "Succeeded" {
            let reason = status["reason"]?.stringValue ?? phase
            let message = status["message"]?.stringValue ?? "the pod is \(phase)"
            return .failed(reason: reason, message: message)
        }
        if pod["metadata"]?["deletionTimestamp"] != nil && pod["metadata"]?["deletionTimestamp"] != .null {
            return .failed(reason: "Terminating", message: "the pod is being deleted")
        }
        let list = status[ephemeral ? "ephemeralContainerStatuses" : "containerStatuses"]?.arrayValue ?? []
        guard let entry = list.first(where: { $0["name"]?.stringValue == container }) else {
            if !ephemeral, let condition = (status["conditions"]?.arrayValue ?? []).first(where: {
                $0["type"]?.stringValue == "PodScheduled" && $0["status"]?.stringValue == "False"
            }) {
                return .waiting("Unschedulable: " + (condition["message"]?.stringValue ?? ""))
            }
            return .waiting(phase)
        }
        let state = entry["state"] ?? .null
        // The phase too: a status can show the container running while the pod is still Pending,
        // and exec is refused until the pod is Running.
        if state["running"] != nil && state["running"] != .null { return phase == "Running" ? .running : .waiting(phase) }
        if let terminated = state["terminated"], terminated != .null {
            let reason = terminated["reason"]?.stringValue ?? "Terminated"
            let code = terminated["exitCode"]?.intValue ?? 0
            return .failed(reason: reason, message: terminated["message"]?.stringValue ?? "container \(container) exited with code \(code)")
        }
        if let waiting = state["waiting"], waiting != .null {
            let reason = waiting["reason"]?.stringValue ?? "Waiting"
            if fatalWaitingReasons.contains(reason) {
                return .failed(reason: reason, message: waiting["message"]?.stringValue ?? reason)
            }
            return .waiting(reason)
        }
        return .waiting(phase)
    }
}
