import Foundation
import KubeModel

extension LabKubelet {
    func tick() {
        guard running else { return }
        let now = Date().timeIntervalSince1970
        retryUnscheduled(now: now)
        for pod in Array(pods.values) { tickPod(pod, now: now) }
    }

    /// Restart back-off: immediately the first time, then 1, 2, 4, 8, 10, 10… seconds
    /// (a real kubelet's 10 s … 5 min, scaled down for the lab).
    static func backOff(restartCount: Int) -> Double {
        restartCount == 0 ? 0 : min(10, Double(1 << min(restartCount - 1, 4)))
    }

    func tickPod(_ pod: KubeletPod, now: Double) {
        guard !pod.terminal, pod.blocked == nil || pod.stopping != nil else { return }
        for container in pod.allContainers { tailLog(pod, container) }
        reapExited(pod, now: now)
        if pod.stopping == nil {
            for container in pod.containers {
                guard let at = container.nextStart, at <= now else { continue }
                container.nextStart = nil
                container.restartCount += 1
                startContainer(pod, container)
            }
            for container in pod.allContainers {
                guard let at = container.pullBackOffAt, at <= now else { continue }
                container.pullBackOffAt = nil
                container.state = .waiting(reason: "ImagePullBackOff", message: "Back-off pulling image \"\(container.image)\"")
                recordEvent(pod, container: container, reason: "BackOff", message: "Back-off pulling image \"\(container.image)\"")
                recordEvent(pod, container: container, type: "Warning", reason: "Failed", message: "Error: ImagePullBackOff")
                pod.dirty = true
            }
            if let seconds = pod.object["spec"]?["activeDeadlineSeconds"]?.intValue, let start = pod.startTime,
               now >= start + Double(seconds) {
                recordEvent(pod, container: nil, type: "Normal", reason: "DeadlineExceeded",
                            message: "Pod was active on the node longer than the specified deadline")
                pod.stopping = (.deadline, now + 1)
                for process in pod.liveProcesses { ProcessGroup.signal(process, SIGTERM) }
                for container in pod.allContainers { container.nextStart = nil }
                pod.dirty = true
            }
        }
        if let stopping = pod.stopping {
            if pod.liveProcesses.isEmpty {
                reapExited(pod, now: now)
                finishStop(pod, purpose: stopping.purpose)
                return
            }
            if now >= stopping.killAt {
                for process in pod.liveProcesses { ProcessGroup.signal(process, SIGKILL) }
            }
        }
        // Until the relist that reports a start (pleg-lag), nothing new reaches the status: not
        // the start, nor an end right after it.
        if now < pod.statusHeldUntil && pod.stopping == nil { return }
        let phase = computePhase(pod)
        if phase != pod.phase {
            pod.phase = phase
            pod.dirty = true
        }
        if pod.dirty { writeStatus(pod) }
        if pod.phase == "Succeeded" || pod.phase == "Failed" { settle(pod) }
    }

    /// Records containers whose main process ended; schedules restarts per restartPolicy.
    func reapExited(_ pod: KubeletPod, now: Double) {
        for container in pod.allContainers {
            guard container.isRunning, let process = container.process, let code = process.status else { continue }
            // The container's other processes go with its main one (as with a PID namespace).
            ProcessGroup.signal(process, SIGKILL)
            // As containerd's shim, the exit is reported once the output pipes are drained into the
            // log (bounded), so a `logs` right after the pod ends has every line.
            if let io = container.io, !io.hasEnded {
                let seen = container.exitSeenAt ?? now
                container.exitSeenAt = seen
                if now - seen < 2 { continue }
            }
            container.exitSeenAt = nil
            tailLog(pod, container)
            let reason = code == 0 ? "Completed" : (code == 137 && pod.stopping != nil ? "Error" : "Error")
            let termination = KubeletContainer.Termination(exitCode: code, reason: reason, message: nil,
                                                           startedAt: container.startedAt, finishedAt: now,
                                                           containerID: container.containerID)
            container.state = .terminated(termination)
            pod.dirty = true
            let policy = pod.restartPolicy
            let restarts = !container.ephemeral && pod.stopping == nil && (policy == "Always" || (policy == "OnFailure" && code != 0))
            guard restarts else {
                finishLog(pod, container)
                continue
            }
            container.lastTermination = termination
            let delay = Self.backOff(restartCount: container.restartCount)
            container.nextStart = now + delay
            if delay > 0 {
                container.state = .waiting(reason: "CrashLoopBackOff",
                                           message: "back-off \(Int(delay))s restarting failed container=\(container.name) pod=\(pod.name)_\(pod.namespace)(\(pod.uid))")
                recordEvent(pod, container: container, type: "Warning", reason: "BackOff",
                            message: "Back-off restarting failed container \(container.name) in pod \(pod.name)_\(pod.namespace)(\(pod.uid))")
            }
        }
        publishSandbox(pod)
    }

    func computePhase(_ pod: KubeletPod) -> String {
        let containers = pod.containers
        guard !containers.isEmpty else { return "Pending" }
        let finished = containers.allSatisfy { $0.termination != nil && $0.nextStart == nil }
        if finished {
            return containers.allSatisfy { $0.termination?.exitCode == 0 } ? "Succeeded" : "Failed"
        }
        if pod.stopping != nil, pod.liveProcesses.isEmpty {
            return "Failed"
        }
        return containers.contains { $0.process == nil } ? "Pending" : "Running"
    }

    /// All processes are gone after a deletion or a deadline.
    func finishStop(_ pod: KubeletPod, purpose: KubeletPod.StopPurpose) {
        switch purpose {
        case .deadline:
            pod.phase = "Failed"
            pod.reason = "DeadlineExceeded"
            pod.message = "Pod was active on the node longer than the specified deadline"
            pod.stopping = nil
            writeStatus(pod)
            settle(pod)
        case .deletion, .shutdown:
            let phase = computePhase(pod)
            if phase == "Succeeded" || phase == "Failed" { pod.phase = phase }
            writeStatus(pod)
            settle(pod)
            pods[pod.key] = nil
            forgetSandbox(pod.key)
            if purpose == .deletion {
                _ = try? store.finishPodDeletion(namespace: pod.namespace, name: pod.name)
            }
        }
    }

    /// A pod in a terminal phase: its sandbox goes, its logs end.
    func settle(_ pod: KubeletPod) {
        guard !pod.terminal else { return }
        pod.terminal = true
        tearDown(pod)
        forgetSandbox(pod.key)
        writeStatus(pod)
    }

    /// Kills what still runs of the pod, takes the last of its logs and removes its network.
    func tearDown(_ pod: KubeletPod) {
        for process in pod.liveProcesses {
            ProcessGroup.signal(process, SIGKILL)
            process.stop(grace: 0)
        }
        for container in pod.allContainers {
            tailLog(pod, container)
            finishLog(pod, container)
        }
        removeNetwork(pod)
    }
}
