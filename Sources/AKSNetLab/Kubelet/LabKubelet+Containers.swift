#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KubeModel

extension LabKubelet {
    /// Lab pod name for the dataplane: `<name>.<namespace>`, hashed when long or taken.
    func labPodName(_ pod: KubeletPod) -> String {
        var name = "\(pod.name).\(pod.namespace)"
        if name.count > 48 || !LabNames.isValidName(name) {
            name = String(pod.name.prefix(30)).trimmingCharacters(in: CharacterSet(charactersIn: ".-"))
                + "-" + String(LabNames.fnv1a(pod.key), radix: 16)
        }
        if network.pod(named: name) != nil { name += "-" + String(pod.uid.prefix(8)) }
        return name
    }

    func logDirectory(_ pod: KubeletPod) -> String { "\(directory)/pods/\(pod.namespace)/\(pod.name)" }

    /// Creates the pod's network namespace, then starts its containers.
    func startSandbox(_ pod: KubeletPod) {
        let node = try? store.get(.nodes, namespace: nil, name: pod.nodeName)
        if let node, Self.nodeOS(node) == "windows" {
            pod.blocked = "Windows node"
            recordEvent(pod, container: nil, type: "Warning", reason: "FailedCreatePodSandBox",
                        message: "Failed to create pod sandbox: node \(pod.nodeName) is a Windows node; the lab has no Windows "
                            + "container runtime and runs no pods on its Windows nodes")
            writeStatus(pod)
            return
        }
        guard let nodeNetwork = network.node(named: pod.nodeName) else {
            pod.blocked = "unknown node"
            recordEvent(pod, container: nil, type: "Warning", reason: "FailedCreatePodSandBox",
                        message: "Failed to create pod sandbox: node \(pod.nodeName) has no network in this lab")
            writeStatus(pod)
            return
        }
        pod.hostIP = nodeNetwork.ipv4.description
        let hostNetwork = pod.object["spec"]?["hostNetwork"]?.boolValue == true
        pod.labName = labPodName(pod)
        do {
            let made = try network.addPod(node: nodeNetwork.name, name: pod.labName, hostNetwork: hostNetwork)
            pod.network = made
            pod.podIPs = [made.ipv4.description] + (made.ipv6.map { [$0] } ?? [])
        } catch {
            pod.blocked = "sandbox"
            recordEvent(pod, container: nil, type: "Warning", reason: "FailedCreatePodSandBox",
                        message: "Failed to create pod sandbox: \(error)")
            writeStatus(pod)
            return
        }
        try? FileManager.default.removeItem(atPath: logDirectory(pod))
        try? FileManager.default.createDirectory(atPath: logDirectory(pod), withIntermediateDirectories: true)
        pod.startTime = Date().timeIntervalSince1970
        for spec in pod.object["spec"]?["containers"]?.arrayValue ?? [] {
            let name = spec["name"]?.stringValue ?? ""
            pod.containers.append(KubeletContainer(spec: spec, ephemeral: false, logPath: "\(logDirectory(pod))/\(name).log"))
        }
        // A real kubelet reports the sandbox (IP, Initialized, ContainerCreating) before the containers
        // run; that they run shows at its next relist (`statusHeldUntil`), not at once.
        writeStatus(pod)
        for container in pod.containers { startContainer(pod, container) }
        if let seconds = pod.object["spec"]?["activeDeadlineSeconds"]?.intValue, seconds <= 0 {
            beginStop(pod, purpose: .deadline, grace: 0)
        }
    }

    func startNewEphemeralContainers(_ pod: KubeletPod) {
        guard pod.network != nil, pod.stopping == nil, !pod.terminal else { return }
        let known = Set(pod.ephemeralContainers.map(\.name))
        for spec in pod.object["spec"]?["ephemeralContainers"]?.arrayValue ?? [] {
            let name = spec["name"]?.stringValue ?? ""
            guard !name.isEmpty, !known.contains(name) else { continue }
            let container = KubeletContainer(spec: spec, ephemeral: true, logPath: "\(logDirectory(pod))/\(name).log")
            pod.ephemeralContainers.append(container)
            startContainer(pod, container)
        }
        // Reported at the next tick, as the pod's own containers are.
    }

    /// The Secrets named in the pod's `imagePullSecrets` and its service account's.
    func pullSecrets(_ pod: KubeletPod) -> [JSONValue] {
        var names = (pod.object["spec"]?["imagePullSecrets"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        let account = pod.object["spec"]?["serviceAccountName"]?.stringValue ?? "default"
        if let serviceAccount = try? store.get(.serviceAccounts, namespace: pod.namespace, name: account) {
            names += (serviceAccount["imagePullSecrets"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        }
        return names.compactMap { try? store.get(.secrets, namespace: pod.namespace, name: $0) }
    }

    static func isSymlink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    /// Pulls (checks the name), builds the argv and starts one container's process.
    func startContainer(_ pod: KubeletPod, _ container: KubeletContainer) {
        let now = Date().timeIntervalSince1970
        pod.dirty = true
        if case .failed(let message) = registry.pull(container.image, secrets: pullSecrets(pod)) {
            container.state = .waiting(reason: "ErrImagePull", message: message)
            container.pullBackOffAt = now + 1
            recordEvent(pod, container: container, reason: "Pulling", message: "Pulling image \"\(container.image)\"")
            recordEvent(pod, container: container, type: "Warning", reason: "Failed",
                        message: "Failed to pull image \"\(container.image)\": \(message)")
            recordEvent(pod, container: container, type: "Warning", reason: "Failed", message: "Error: ErrImagePull")
            return
        }
        guard let network = pod.network else { return }
        let context = ContainerLaunch.PodContext(
            namespace: pod.namespace, name: pod.name, uid: pod.uid, nodeName: pod.nodeName,
            podIP: network.ipv4.description, hostIP: pod.hostIP, netns: network.netnsName, nodeRoot: nodeRoot(pod.nodeName),
            serviceAccount: pod.object["spec"]?["serviceAccountName"]?.stringValue ?? "default",
            path: ImageOverlays.path(for: container.image, root: imagesRoot))
        container.path = context.path
        let launch: ContainerLaunch
        do {
            launch = try ContainerLaunch.make(pod: pod.object, container: container.spec, context: context,
                                              defaultCommand: defaultCommand(for: container, pod: pod),
                                              isSymlink: Self.isSymlink, exists: { FileManager.default.fileExists(atPath: $0) })
            for folder in launch.mounts.nodeFolders {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            // lstat: the link is relative (usr/bin) and dangles outside the pod's mount namespace.
            var info = stat()
            for link in launch.mounts.nodeLinks where lstat(link.node, &info) != 0 {
                let destination = try FileManager.default.destinationOfSymbolicLink(atPath: link.host)
                try FileManager.default.createSymbolicLink(atPath: link.node, withDestinationPath: destination)
            }
            for mountPoint in launch.mounts.mountPoints { try HostMountPoints.ensure(mountPoint, directory: directory) }
        } catch let error as ContainerLaunch.ConfigError {
            container.state = .waiting(reason: "CreateContainerConfigError", message: error.message)
            recordEvent(pod, container: container, type: "Warning", reason: "Failed", message: "Error: \(error.message)")
            return
        } catch {
            container.state = .waiting(reason: "CreateContainerConfigError", message: "\(error)")
            return
        }
        if container.restartCount == 0 && container.process == nil {
            recordEvent(pod, container: container, reason: "Pulled",
                        message: "Container image \"\(container.image)\" already present on machine")
        }
        do {
            let process: LabProcess
            let tty = container.spec["tty"]?.boolValue == true
            if tty || container.spec["stdin"]?.boolValue == true {
                let attached = try AttachedLaunch.start(launch.argv, tty: tty, stdinOnce: container.spec["stdinOnce"]?.boolValue == true,
                                                        logPath: container.logPath)
                process = attached.0
                container.io = attached.1
            } else {
                process = try LabProcess.start(launch.argv, stdoutPath: container.logPath, stderrPath: container.logPath)
                container.io = nil
            }
            // A runtime starts the process only once its mounts are in place, and the kubelet says
            // Running after that: wait (bounded) until the mount script has exec'd the command.
            if !launch.mounts.binds.isEmpty { Self.waitMounted(process.pid) }
            container.process = process
            container.command = launch.command
            container.containerID = "containerd://" + Self.randomHex(64)
            container.startedAt = now
            container.state = .running
            pod.statusHeldUntil = max(pod.statusHeldUntil, Self.nextRelist(after: now + statusLag(), period: relistPeriod))
            recordEvent(pod, container: container, reason: "Created", message: "Created container \(container.name)")
            recordEvent(pod, container: container, reason: "Started", message: "Started container \(container.name)")
        } catch {
            container.state = .waiting(reason: "RunContainerError", message: "\(error)")
            recordEvent(pod, container: container, type: "Warning", reason: "Failed", message: "Error: \(error)")
        }
        publishSandbox(pod)
    }

    /// Until `pid` is past the launcher and mount script (at most 3 s: a stuck mount shows up as
    /// the exec's wait, never as a kubelet that hangs).
    static func waitMounted(_ pid: pid_t) {
        for _ in 0..<600 where ContainerLaunch.stillMounting(pid) { usleep(5_000) }
    }

    /// Images are names only; with no command a container sleeps, except that `nginx` serves HTTP on 80.
    func defaultCommand(for container: KubeletContainer, pod: KubeletPod) -> [String] {
        if LabImages.repository(container.image).hasSuffix("nginx") {
            let root = "\(logDirectory(pod))/www-\(container.name)"
            try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            try? "<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head><body><h1>Welcome to nginx!</h1></body></html>\n"
                .write(toFile: root + "/index.html", atomically: true, encoding: .utf8)
            return ["python3", "-m", "http.server", "80", "--directory", root]
        }
        return ["sleep", "infinity"]
    }

    static func randomHex(_ digits: Int) -> String {
        String((0..<digits).map { _ in "0123456789abcdef".randomElement() ?? "0" })
    }

    // MARK: logs

    func tailLog(_ pod: KubeletPod, _ container: KubeletContainer) {
        guard !container.logFinished else { return }
        store.logs.tail(namespace: pod.namespace, pod: pod.name, container: container.name, path: container.logPath)
    }

    func finishLog(_ pod: KubeletPod, _ container: KubeletContainer) {
        guard !container.logFinished else { return }
        container.logFinished = true
        store.logs.finish(namespace: pod.namespace, pod: pod.name, container: container.name)
    }
}
