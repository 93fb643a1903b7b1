#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KubeModel

/// A container as the lab kubelet runs it. Touched only on the kubelet's queue.
final class KubeletContainer {
    struct Termination {
        var exitCode: Int32
        var reason: String
        var message: String?
        var startedAt: Double
        var finishedAt: Double
        var containerID: String
    }

    enum State {
        case waiting(reason: String, message: String?)
        case running
        case terminated(Termination)
    }

    let name: String
    let spec: JSONValue
    let ephemeral: Bool
    let image: String
    let logPath: String
    /// PATH inside the container: its image's programs first (exec sees the same).
    var path = ContainerLaunch.defaultPath
    var logFinished = false
    var process: LabProcess?
    /// stdin/tty and live output of the running process, for attach (stdin or tty containers).
    var io: ContainerIO?
    /// When the main process was first seen gone while its output was still being drained.
    var exitSeenAt: Double?
    var command: [String] = []
    var containerID = ""
    var startedAt: Double = 0
    var restartCount = 0
    var state: State = .waiting(reason: "ContainerCreating", message: nil)
    var lastTermination: Termination?
    /// When a restarting container starts again (back-off).
    var nextStart: Double?
    /// When an ErrImagePull turns into ImagePullBackOff.
    var pullBackOffAt: Double?

    init(spec: JSONValue, ephemeral: Bool, logPath: String) {
        self.name = spec["name"]?.stringValue ?? ""
        self.spec = spec
        self.ephemeral = ephemeral
        self.image = spec["image"]?.stringValue ?? ""
        self.logPath = logPath
    }

    var pid: Int32 {
        guard let process, case .running = state else { return 0 }
        return process.pid
    }

    var isRunning: Bool { if case .running = state { return true } else { return false } }

    var termination: Termination? { if case .terminated(let t) = state { return t } else { return nil } }
}

/// A pod bound to a node, as the lab kubelet runs it. Touched only on the kubelet's queue.
final class KubeletPod {
    enum StopPurpose { case deletion, deadline, shutdown }

    let namespace: String
    let name: String
    let uid: String
    let nodeName: String
    var object: JSONValue
    var labName = ""
    var network: PodNetwork?
    var hostIP = ""
    /// Kept after the sandbox goes: a finished pod still shows its IPs.
    var podIPs: [String] = []
    var containers: [KubeletContainer] = []
    var ephemeralContainers: [KubeletContainer] = []
    var startTime: Double?
    var phase = "Pending"
    var reason: String?
    var message: String?
    /// Set when the pod cannot run here at all (a Windows node, a failed sandbox).
    var blocked: String?
    var stopping: (purpose: StopPurpose, killAt: Double)?
    var terminal = false
    var dirty = true
    /// A started container shows in the status from the first tick at or after this time (the
    /// kubelet's relist; `pleg-lag` pushes it later).
    var statusHeldUntil: Double = 0

    init(object: JSONValue, nodeName: String) {
        self.namespace = object.metadataNamespace ?? "default"
        self.name = object.name
        self.uid = object["metadata"]?["uid"]?.stringValue ?? ""
        self.nodeName = nodeName
        self.object = object
    }

    var key: String { "\(namespace)/\(name)" }
    var restartPolicy: String { object["spec"]?["restartPolicy"]?.stringValue ?? "Always" }
    var allContainers: [KubeletContainer] { containers + ephemeralContainers }
    var liveProcesses: [LabProcess] { allContainers.compactMap { c in c.process.flatMap { $0.isRunning ? $0 : nil } } }

    func sandbox() -> PodSandbox? {
        guard let network, !terminal else { return nil }
        func entry(_ c: KubeletContainer) -> PodSandbox.Container {
            PodSandbox.Container(name: c.name, pid: c.pid, command: c.command, io: c.io, logPath: c.logPath, path: c.path)
        }
        return PodSandbox(namespace: namespace, name: name, uid: uid, netns: network.netnsName, nodeName: nodeName,
                          hostNetwork: network.hostNetwork, containers: containers.map(entry),
                          ephemeralContainers: ephemeralContainers.map(entry))
    }
}

/// Signals to a container's whole process group (its main process leads one).
enum ProcessGroup {
    static func signal(_ process: LabProcess, _ signal: Int32) {
        guard process.pid > 1 else { return }
        kill(-process.pid, signal)
        kill(process.pid, signal)
    }
}
