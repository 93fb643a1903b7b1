import Foundation
import KubeModel

extension LabKubelet {
    /// Writes the pod's whole status from what the kubelet knows (conditions keep their
    /// lastTransitionTime while unchanged; qosClass stays as the server set it).
    func writeStatus(_ pod: KubeletPod) {
        pod.dirty = false
        let now = RFC3339.format(Date().timeIntervalSince1970)
        let uid = pod.uid
        _ = try? store.modify(.pods, namespace: pod.namespace, name: pod.name) { object in
            guard object["metadata"]?["uid"]?.stringValue == uid else { return }
            let previous = object["status"] ?? .object(JSONObject())
            object.set("status", self.status(for: pod, previous: previous, now: now))
        }
        if !pod.terminal { publishSandbox(pod) }
    }

    func status(for pod: KubeletPod, previous: JSONValue, now: String) -> JSONValue {
        let spec = pod.object["spec"]
        let specContainers = spec?["containers"]?.arrayValue ?? []
        let containers: [JSONValue]
        if pod.containers.isEmpty {
            containers = specContainers.map { c in
                containerStatus(name: c["name"]?.stringValue ?? "", image: c["image"]?.stringValue ?? "", container: nil, pod: pod)
            }
        } else {
            containers = pod.containers.map { containerStatus(name: $0.name, image: $0.image, container: $0, pod: pod) }
        }
        let terminalPhase = pod.phase == "Succeeded" || pod.phase == "Failed"
        let unready = pod.containers.isEmpty ? specContainers.compactMap { $0["name"]?.stringValue }
            : pod.containers.filter { !$0.isRunning || pod.stopping != nil }.map(\.name)
        let sandboxReady = pod.network != nil && !pod.terminal
        let started = pod.startTime != nil
        func notReady() -> (String, String?, String?) {
            if terminalPhase && pod.phase == "Succeeded" { return ("False", "PodCompleted", nil) }
            if terminalPhase { return ("False", "PodFailed", nil) }
            return ("False", "ContainersNotReady", "containers with unready status: [\(unready.joined(separator: " "))]")
        }
        let ready: (String, String?, String?) = unready.isEmpty && !terminalPhase ? ("True", nil, nil) : notReady()
        var wanted: [(String, (String, String?, String?))] = [
            ("PodReadyToStartContainers", (sandboxReady ? "True" : "False", nil, nil)),
            ("Initialized", started ? ("True", terminalPhase && pod.phase == "Succeeded" ? "PodCompleted" : nil, nil)
                : ("False", "ContainersNotInitialized", nil)),
            ("Ready", ready), ("ContainersReady", ready), ("PodScheduled", ("True", nil, nil)),
        ]
        if pod.blocked != nil { wanted[0] = ("PodReadyToStartContainers", ("False", nil, nil)) }
        let old = previous["conditions"]?.arrayValue ?? []
        let conditions: [JSONValue] = wanted.map { type, value in
            let (status, reason, message) = value
            let before = old.first { $0["type"]?.stringValue == type }
            let since = before?["status"]?.stringValue == status ? (before?["lastTransitionTime"] ?? .string(now)) : .string(now)
            var condition: JSONValue = ["type": .string(type), "status": .string(status), "lastProbeTime": .null,
                                        "lastTransitionTime": since]
            if let reason { condition.set("reason", .string(reason)) }
            if let message { condition.set("message", .string(message)) }
            return condition
        }

        var status = JSONObject()
        status["phase"] = .string(pod.phase)
        status["conditions"] = .array(conditions)
        if let message = pod.message { status["message"] = .string(message) }
        if let reason = pod.reason { status["reason"] = .string(reason) }
        if !pod.hostIP.isEmpty {
            status["hostIP"] = .string(pod.hostIP)
            status["hostIPs"] = [["ip": .string(pod.hostIP)]]
        }
        if let first = pod.podIPs.first {
            status["podIP"] = .string(first)
            status["podIPs"] = .array(pod.podIPs.map { ["ip": .string($0)] })
        }
        if let start = pod.startTime { status["startTime"] = .string(RFC3339.format(start)) }
        status["containerStatuses"] = .array(containers)
        status["qosClass"] = previous["qosClass"] ?? "BestEffort"
        if !pod.ephemeralContainers.isEmpty {
            status["ephemeralContainerStatuses"] = .array(pod.ephemeralContainers.map {
                containerStatus(name: $0.name, image: $0.image, container: $0, pod: pod)
            })
        }
        return .object(status)
    }

    func containerStatus(name: String, image: String, container: KubeletContainer?, pod: KubeletPod) -> JSONValue {
        func state(_ state: KubeletContainer.State) -> JSONValue {
            switch state {
            case .waiting(let reason, let message):
                var waiting: JSONValue = ["reason": .string(reason)]
                if let message { waiting.set("message", .string(message)) }
                return ["waiting": waiting]
            case .running:
                return ["running": ["startedAt": .string(RFC3339.format(container?.startedAt ?? 0))]]
            case .terminated(let t):
                return ["terminated": terminated(t)]
            }
        }
        func terminated(_ t: KubeletContainer.Termination) -> JSONValue {
            var value: JSONValue = ["exitCode": .int(Int64(t.exitCode)), "reason": .string(t.reason),
                                    "startedAt": .string(RFC3339.format(t.startedAt)),
                                    "finishedAt": .string(RFC3339.format(t.finishedAt)), "containerID": .string(t.containerID)]
            if let message = t.message { value.set("message", .string(message)) }
            return value
        }
        let current = container?.state ?? .waiting(reason: "ContainerCreating", message: nil)
        let pulled = container.map { registry.images.contains(LabImages.repository($0.image)) && $0.process != nil } ?? false
        var status = JSONObject()
        status["name"] = .string(name)
        status["state"] = state(current)
        status["lastState"] = container?.lastTermination.map { ["terminated": terminated($0)] } ?? .object(JSONObject())
        status["ready"] = .bool(container?.isRunning == true && pod.stopping == nil && !(container?.ephemeral ?? false))
        status["restartCount"] = .int(Int64(container?.restartCount ?? 0))
        status["image"] = .string(pulled ? LabImages.fullReference(image) : image)
        status["imageID"] = .string(pulled ? Self.imageID(image) : "")
        if let container, !container.containerID.isEmpty { status["containerID"] = .string(container.containerID) }
        status["started"] = .bool(container?.isRunning == true)
        return .object(status)
    }

    /// A stable digest per repository, as `docker.io/library/busybox@sha256:…`.
    static func imageID(_ image: String) -> String {
        let full = LabImages.fullReference(image)
        let repository = full.split(separator: ":").dropLast().joined(separator: ":")
        let base = repository.isEmpty ? full : repository
        var digest = ""
        for round in 0..<4 { digest += LabNames.hex(LabNames.fnv1a("\(round)/\(base)"), digits: 16) }
        return "\(base)@sha256:\(digest)"
    }
}
