#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KubeModel
import Testing
@testable import AKSNetLab

/// The lab kubelet, for real: pods as host processes in lab network namespaces.
/// Needs root, iproute2, util-linux (setpriv) and ping.
@Suite(.serialized)
struct KubeletTests {
    // MARK: pure

    @Test func imageNames() {
        let registry = LabRegistry(password: "pw")
        for image in ["busybox", "busybox:1.36", "docker.io/library/busybox:latest", "library/alpine@sha256:abcd",
                      "nicolaka/netshoot:v0.13", "docker.io/nicolaka/netshoot", "mcr.microsoft.com/cbl-mariner/busybox:2.0"] {
            #expect(registry.pull(image, secrets: []) == .pulled, "\(image)")
        }
        for image in ["doesnotexist/nothing:1", "myregistry.azurecr.io/busybox", "busybox2"] {
            #expect(registry.pull(image, secrets: []) != .pulled, "\(image)")
        }
        #expect(LabImages.fullReference("busybox") == "docker.io/library/busybox:latest")
        #expect(LabImages.fullReference("nicolaka/netshoot:v1") == "docker.io/nicolaka/netshoot:v1")
        #expect(LabImages.fullReference("mcr.microsoft.com/a/b") == "mcr.microsoft.com/a/b:latest")
        let only = LabRegistry(images: ["alpine"], password: "pw")
        #expect(only.pull("alpine:3", secrets: []) == .pulled && only.pull("busybox", secrets: []) != .pulled, "--images replaces the list")
    }

    static func dockerSecret(_ json: String, legacy: Bool = false) -> JSONValue {
        ["type": .string(legacy ? "kubernetes.io/dockercfg" : "kubernetes.io/dockerconfigjson"),
         "data": [legacy ? ".dockercfg" : ".dockerconfigjson": .string(Base64.encode(Array(json.utf8)))]]
    }

    @Test func privateImagesNeedTheLabsPullSecret() {
        let registry = LabRegistry(password: "s3cret")
        let image = LabRegistry.privateNetshoot + ":v1"
        guard case .failed(let anonymous) = registry.pull(image, secrets: []) else {
            Issue.record("pulled without credentials")
            return
        }
        #expect(anonymous.hasSuffix("401 Unauthorized") && anonymous.contains("failed to authorize"))
        #expect(anonymous.contains("scope=repository%3Aaksnet%2Fnetshoot%3Apull"))
        let good = Self.dockerSecret(registry.dockerConfigJSON)
        #expect(registry.pull(image, secrets: [good]) == .pulled)
        let byAuth = Self.dockerSecret(#"{"auths":{"https://aksnetlab.azurecr.io":{"auth":"\#(Base64.encode(Array("aksnet-puller:s3cret".utf8)))"}}}"#)
        #expect(registry.pull(image, secrets: [byAuth]) == .pulled, "auth field and a URL as the key")
        let legacy = Self.dockerSecret(#"{"aksnetlab.azurecr.io":{"username":"aksnet-puller","password":"s3cret"}}"#, legacy: true)
        #expect(registry.pull(image, secrets: [legacy]) == .pulled, ".dockercfg")
        let wrong = Self.dockerSecret(#"{"auths":{"aksnetlab.azurecr.io":{"username":"aksnet-puller","password":"nope"}}}"#)
        #expect(registry.pull(image, secrets: [wrong]) != .pulled)
        let otherHost = Self.dockerSecret(#"{"auths":{"other.azurecr.io":{"username":"aksnet-puller","password":"s3cret"}}}"#)
        #expect(registry.pull(image, secrets: [otherHost]) != .pulled)
        #expect(registry.pull(image, secrets: [["data": ["garbage": "!!"]], good]) == .pulled, "one good secret is enough")
    }

    @Test func launchArgv() throws {
        let context = ContainerLaunch.PodContext(namespace: "ns", name: "p", uid: "u1", nodeName: "n1", podIP: "10.244.0.2",
                                                 hostIP: "10.224.0.4", netns: "aksl-x-pod-p.ns", nodeRoot: "/lab/nodes/n1")
        let pod: JSONValue = ["spec": ["volumes": [["name": "host", "hostPath": ["path": "/"]]]]]
        let container: JSONValue = [
            "name": "c", "image": "busybox", "command": ["sh", "-c"], "args": ["echo $(A)"],
            "env": [["name": "A", "value": "x$(PATH_NOT_SET)"], ["name": "B", "value": "<$(A)>"],
                    ["name": "IP", "valueFrom": ["fieldRef": ["fieldPath": "status.podIP"]]]],
            "securityContext": ["runAsUser": 1000, "capabilities": ["add": ["NET_ADMIN"], "drop": ["MKNOD"]]],
            "volumeMounts": [["name": "host", "mountPath": "/host"]],
        ]
        let launch = try ContainerLaunch.make(pod: pod, container: container, context: context,
                                              isSymlink: { ["/bin", "/lib"].contains($0) }, exists: { $0 != "/lib32" })
        #expect(Array(launch.argv.prefix(8)) == ["ip", "netns", "exec", "aksl-x-pod-p.ns", "unshare", "--mount", "--propagation", "private"])
        // hostPath "/" at /host: the node root, then the host's programs and kernel filesystems inside it.
        #expect(launch.mounts.binds.map { "\($0.source)>\($0.target)" } == [
            "/lab/nodes/n1>/host", "/usr>/host/usr", "/sbin>/host/sbin", "/lib64>/host/lib64", "/libx32>/host/libx32",
            "/proc>/host/proc", "/sys>/host/sys", "/dev>/host/dev"])
        #expect(launch.mounts.nodeLinks.map(\.node) == ["/lab/nodes/n1/bin", "/lab/nodes/n1/lib"])
        #expect(launch.mounts.mountPoints == ["/host"])
        let separator = try #require(launch.argv.firstIndex(of: "--"))
        #expect(Array(launch.argv[separator + 1 ... separator + 2]) == ["env", "-i"], "paths are arguments; the script is fixed")
        #expect(launch.argv.contains("/lab/nodes/n1") && !launch.argv.contains { $0.contains("mount --bind \"/lab") })
        #expect(launch.argv.contains("B=<x$(PATH_NOT_SET)>"))
        #expect(launch.argv.contains("IP=10.244.0.2"))
        #expect(launch.argv.contains("HOME=/"))
        #expect(launch.argv.contains("AKSNET_HOST_ROOT=/lab/nodes/n1") && launch.argv.contains("AKSNET_HOST_ROOT_MOUNT=/host"))
        // args are expanded against the container's variables, as the kubelet does.
        #expect(Array(launch.argv.suffix(3)) == ["sh", "-c", "echo x$(PATH_NOT_SET)"])
        #expect(launch.command == ["sh", "-c", "echo x$(PATH_NOT_SET)"])
        let bounding = try #require(launch.argv.firstIndex(of: "--bounding-set")).advanced(by: 1)
        #expect(launch.argv[bounding].contains("+net_raw") && launch.argv[bounding].contains("+net_admin"))
        #expect(!launch.argv[bounding].contains("mknod"))
        #expect(launch.argv.contains("--reuid=1000") && launch.argv.contains("--clear-groups"))

        let privileged = try ContainerLaunch.make(pod: ["spec": [:]], container: ["name": "c", "securityContext": ["privileged": true]],
                                                  context: context)
        #expect(!privileged.argv.contains("setpriv"))
        #expect(Array(privileged.argv.suffix(2)) == ["sleep", "infinity"])

        let nonRoot: JSONValue = ["spec": ["securityContext": ["runAsNonRoot": true]]]
        #expect(throws: ContainerLaunch.ConfigError.self) {
            try ContainerLaunch.make(pod: nonRoot, container: ["name": "c"], context: context)
        }
        #expect((try? ContainerLaunch.make(pod: nonRoot, container: ["name": "c", "securityContext": ["runAsUser": 65534]],
                                           context: context)) != nil)
    }

    /// The Running report waits for the mount script, but not for a command that already ended
    /// (exited, not yet reaped: its cmdline reads empty as between two execs).
    @Test func anEndedCommandIsNotStillMounting() throws {
        var pid: pid_t = 0
        var argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { argv.forEach { free($0) } }
        #expect(posix_spawn(&pid, "/bin/true", nil, nil, &argv, environ) == 0)
        var state = ""
        for _ in 0..<200 {
            state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            if state.contains(") Z") { break }
            usleep(5_000)
        }
        #expect(state.contains(") Z"), "not a zombie yet: \(state)")
        #expect(ContainerLaunch.isZombie(pid) && !ContainerLaunch.stillMounting(pid))
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        #expect(!ContainerLaunch.stillMounting(pid), "reaped: gone")
        #expect(!ContainerLaunch.isZombie(getpid()))
    }

    @Test func schedulingFilters() {
        let linux = KubeletLab.nodeObject(name: "l1", ip: "10.0.0.1", os: "linux")
        let windows = KubeletLab.nodeObject(name: "w1", ip: "10.0.0.2", os: "windows")
        var notReady = KubeletLab.nodeObject(name: "l2", ip: "10.0.0.3", os: "linux")
        notReady.set(path: ["status", "conditions"], [["type": "Ready", "status": "False"]])
        let plain: JSONValue = ["spec": ["containers": []]]
        #expect(LabKubelet.feasibleNodes(for: plain, among: [linux, windows, notReady]).map(\.name) == ["l1"])
        let forWindows: JSONValue = ["spec": ["nodeSelector": ["kubernetes.io/os": "windows"]]]
        #expect(LabKubelet.feasibleNodes(for: forWindows, among: [linux, windows]).map(\.name) == ["w1"])
        let pool: JSONValue = ["spec": ["nodeSelector": ["kubernetes.azure.com/agentpool": "other"]]]
        #expect(LabKubelet.feasibleNodes(for: pool, among: [linux, windows]).isEmpty)
    }

    // MARK: live

    @Test func podRunsExitsAndLogs() throws {
        try KubeletLab.run { lab in
            let phases = PhaseRecorder()
            let subscription = try lab.store.subscribe(.pods, namespace: "default") { event in
                phases.record(event)
            }
            defer { subscription.cancel() }
            try lab.createPod("exiter", containers: [["name": "main", "image": "busybox",
                                                      "command": ["sh", "-c", "echo hello; sleep 1; exit 3"]]],
                              extra: ["restartPolicy": "Never"])
            let pod = try lab.waitForPod("exiter", timeout: 10) { $0["status"]?["phase"]?.stringValue == "Failed" }
            let terminated = pod["status"]?["containerStatuses"]?.arrayValue?.first?["state"]?["terminated"]
            #expect(terminated?["exitCode"]?.intValue == 3)
            #expect(terminated?["reason"]?.stringValue == "Error")
            #expect(pod["spec"]?["nodeName"]?.stringValue?.isEmpty == false, "the kubelet schedules the pod")
            #expect(pod["status"]?["podIP"]?.stringValue?.hasPrefix("10.244.") == true)
            let seen = phases.phases
            #expect(seen.first == "ADDED Pending")
            #expect(seen.contains("MODIFIED Running"))
            #expect(seen.last == "MODIFIED Failed")
            let log = lab.store.logs.read(namespace: "default", pod: "exiter", container: "main")
            #expect(String(decoding: log.bytes, as: UTF8.self).contains("hello"))
            #expect(log.finished)
            #expect(KubeletLab.wait(timeout: 2) { lab.kubelet.sandbox(namespace: "default", name: "exiter") == nil },
                    "a finished pod has no sandbox")
            FileHandle.standardError.write(Data("kubelet watch sequence: \(seen)\n".utf8))
        }
    }

    /// A started container is the runtime's at once (exec finds it) but the status says so only at
    /// the kubelet's relist: here held 1.5 s (the pleg-lag fault), then Running.
    @Test func aStartedContainerShowsInTheStatusAtTheRelist() throws {
        try KubeletLab.run(statusLag: 1.5) { lab in
            try lab.createPod("late", containers: [["name": "c", "image": "busybox", "command": ["sleep", "3600"]]])
            var runningSince: Date?
            #expect(KubeletLab.wait(timeout: 1.2) {
                guard (lab.kubelet.sandbox(namespace: "default", name: "late")?.container("c")?.pid ?? 0) > 0 else { return false }
                runningSince = Date()
                return true
            }, "the container runs")
            let before = try lab.store.get(.pods, namespace: "default", name: "late")
            #expect(before["status"]?["phase"]?.stringValue == "Pending", "\(String(describing: before["status"]))")
            #expect(before["status"]?["containerStatuses"]?.arrayValue?.first?["state"]?["waiting"]?["reason"]?.stringValue == "ContainerCreating")
            let after = try lab.waitForPod("late", timeout: 5) { $0["status"]?["phase"]?.stringValue == "Running" }
            #expect(after["status"]?["containerStatuses"]?.arrayValue?.first?["state"]?["running"] != nil)
            let waited = Date().timeIntervalSince(try #require(runningSince))
            #expect(waited > 1.2, "reported after \(waited) s")
        }
    }

    @Test func podsPingAcrossNodes() throws {
        try KubeletLab.run { lab in
            try lab.createPod("a", containers: [["name": "main", "image": "nicolaka/netshoot", "command": ["sleep", "3600"]]],
                              extra: ["nodeName": .string(lab.network.nodes[0].name)])
            try lab.createPod("b", containers: [["name": "main", "image": "busybox:1.36", "command": ["sleep", "3600"]]],
                              extra: ["nodeName": .string(lab.network.nodes[1].name)])
            let a = try lab.waitForPod("a", timeout: 10) { $0["status"]?["phase"]?.stringValue == "Running" }
            let b = try lab.waitForPod("b", timeout: 10) { $0["status"]?["phase"]?.stringValue == "Running" }
            #expect(a["status"]?["hostIP"]?.stringValue == lab.network.nodes[0].ipv4.description)
            let ready = a["status"]?["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == "Ready" }
            #expect(ready?["status"]?.stringValue == "True")
            let running = a["status"]?["containerStatuses"]?.arrayValue?.first
            #expect(running?["containerID"]?.stringValue?.hasPrefix("containerd://") == true)
            #expect(running?["image"]?.stringValue == "docker.io/nicolaka/netshoot:latest")
            let sandbox = try #require(lab.kubelet.sandbox(namespace: "default", name: "a"))
            #expect(sandbox.containers.first?.pid ?? 0 > 0)
            let bIP = try #require(b["status"]?["podIP"]?.stringValue)
            let ping = try HostCommand.run(["ip", "netns", "exec", sandbox.netns, "ping", "-c1", "-W1", bIP], timeout: 5)
            #expect(ping.succeeded, "ping \(bIP): \(ping.stdout) \(ping.stderr)")
        }
    }

    @Test func unknownImageFailsToPull() throws {
        try KubeletLab.run { lab in
            try lab.createPod("ghost", containers: [["name": "main", "image": "doesnotexist/nothing:1"]])
            var pod = try lab.waitForPod("ghost", timeout: 5) {
                $0["status"]?["containerStatuses"]?.arrayValue?.first?["state"]?["waiting"]?["reason"]?.stringValue == "ErrImagePull"
            }
            #expect(pod["status"]?["phase"]?.stringValue == "Pending")
            let events = try lab.store.list(.events, namespace: "default").items
            #expect(events.contains {
                $0["reason"]?.stringValue == "Failed"
                    && ($0["message"]?.stringValue ?? "").hasPrefix("Failed to pull image \"doesnotexist/nothing:1\":")
                    && ($0["message"]?.stringValue ?? "").hasSuffix("not found")
                    && $0["involvedObject"]?["name"]?.stringValue == "ghost"
            })
            pod = try lab.waitForPod("ghost", timeout: 5) {
                $0["status"]?["containerStatuses"]?.arrayValue?.first?["state"]?["waiting"]?["reason"]?.stringValue == "ImagePullBackOff"
            }
            #expect(pod["status"]?["phase"]?.stringValue == "Pending")
        }
    }

    @Test func gracefulDeletion() throws {
        try KubeletLab.run { lab in
            try lab.createPod("polite", containers: [["name": "main", "image": "busybox", "command": ["sleep", "3600"]]])
            // Ignores SIGTERM (inherited by its sleep): needs the SIGKILL after the grace period.
            try lab.createPod("stubborn", containers: [["name": "main", "image": "busybox",
                                                        "command": ["sh", "-c", "trap '' TERM; echo trapped; sleep 3600"]]])
            for name in ["polite", "stubborn"] {
                _ = try lab.waitForPod(name, timeout: 10) { $0["status"]?["phase"]?.stringValue == "Running" }
            }
            // The trap must be in place before the SIGTERM (a loaded machine may not have run it yet).
            #expect(KubeletLab.wait(timeout: 10) {
                String(decoding: lab.store.logs.read(namespace: "default", pod: "stubborn", container: "main").bytes, as: UTF8.self).contains("trapped")
            })
            let polite = try #require(lab.kubelet.sandbox(namespace: "default", name: "polite"))
            let stubborn = try #require(lab.kubelet.sandbox(namespace: "default", name: "stubborn"))
            let started = Date()
            let marked = try lab.store.delete(.pods, namespace: "default", name: "stubborn", gracePeriodSeconds: 1)
            #expect(marked["metadata"]?["deletionTimestamp"] != nil)
            try lab.store.delete(.pods, namespace: "default", name: "polite", gracePeriodSeconds: 30)
            #expect(KubeletLab.wait(timeout: 2) { (try? lab.store.get(.pods, namespace: "default", name: "polite")) == nil },
                    "SIGTERM ends sleep at once")
            #expect(KubeletLab.wait(timeout: 5) { (try? lab.store.get(.pods, namespace: "default", name: "stubborn")) == nil })
            #expect(Date().timeIntervalSince(started) >= 1, "the grace period is honoured")
            for sandbox in [polite, stubborn] {
                #expect(kill(sandbox.containers[0].pid, 0) == -1, "process \(sandbox.containers[0].pid) is gone")
                #expect(try !KubeletLab.namespaces().contains(sandbox.netns), "netns \(sandbox.netns) is gone")
            }
            #expect(lab.kubelet.sandbox(namespace: "default", name: "polite") == nil)
        }
    }

    @Test func activeDeadlineExceeded() throws {
        try KubeletLab.run { lab in
            try lab.createPod("short", containers: [["name": "main", "image": "busybox", "command": ["sleep", "3600"]]],
                              extra: ["activeDeadlineSeconds": 1])
            _ = try lab.waitForPod("short", timeout: 10) { $0["status"]?["phase"]?.stringValue == "Running" }
            let pid = try #require(lab.kubelet.sandbox(namespace: "default", name: "short")?.containers.first?.pid)
            let pod = try lab.waitForPod("short", timeout: 6) { $0["status"]?["phase"]?.stringValue == "Failed" }
            #expect(pod["status"]?["reason"]?.stringValue == "DeadlineExceeded")
            #expect(kill(pid, 0) == -1)
        }
    }

    @Test func runAsNonRootWithoutUser() throws {
        try KubeletLab.run { lab in
            try lab.createPod("rootless", containers: [["name": "main", "image": "busybox", "command": ["sleep", "3600"]]],
                              extra: ["securityContext": ["runAsNonRoot": true]])
            let pod = try lab.waitForPod("rootless", timeout: 5) {
                $0["status"]?["containerStatuses"]?.arrayValue?.first?["state"]?["waiting"]?["reason"]?.stringValue
                    == "CreateContainerConfigError"
            }
            let message = pod["status"]?["containerStatuses"]?.arrayValue?.first?["state"]?["waiting"]?["message"]?.stringValue ?? ""
            #expect(message.hasPrefix("container has runAsNonRoot and image will run as root"))
            #expect(pod["status"]?["phase"]?.stringValue == "Pending")
        }
    }

    @Test func runAsUserAndCapabilities() throws {
        try KubeletLab.run { lab in
            let script = ["sh", "-c", "id -u; grep CapBnd /proc/self/status; echo HOME=$HOME"]
            try lab.createPod("user", containers: [["name": "main", "image": "busybox", "command": .array(script.map { .string($0) }),
                                                    "securityContext": ["runAsUser": 1000]]],
                              extra: ["restartPolicy": "Never"])
            try lab.createPod("priv", containers: [["name": "main", "image": "busybox", "command": .array(script.map { .string($0) }),
                                                    "securityContext": ["privileged": true]]],
                              extra: ["restartPolicy": "Never"])
            for name in ["user", "priv"] {
                _ = try lab.waitForPod(name, timeout: 10) { $0["status"]?["phase"]?.stringValue == "Succeeded" }
            }
            let user = String(decoding: lab.store.logs.read(namespace: "default", pod: "user", container: "main").bytes, as: UTF8.self)
            let priv = String(decoding: lab.store.logs.read(namespace: "default", pod: "priv", container: "main").bytes, as: UTF8.self)
            #expect(user.hasPrefix("1000\n") && user.contains("HOME=/\n"), "\(user)")
            // containerd's default set (with NET_RAW, bit 13), not the full one.
            #expect(user.contains("CapBnd:\t00000000a80425fb"), "\(user)")
            #expect(priv.hasPrefix("0\n") && !priv.contains("CapBnd:\t00000000a80425fb"), "\(priv)")
        }
    }

    @Test func ephemeralContainerSharesTheNetns() throws {
        try KubeletLab.run { lab in
            try lab.createPod("target", containers: [["name": "main", "image": "busybox", "command": ["sleep", "3600"]]])
            let pod = try lab.waitForPod("target", timeout: 10) { $0["status"]?["phase"]?.stringValue == "Running" }
            let ip = try #require(pod["status"]?["podIP"]?.stringValue)
            var next = pod
            next.set(path: ["spec", "ephemeralContainers"], [["name": "debugger", "image": "nicolaka/netshoot",
                                                              "command": ["ip", "-4", "addr"], "targetContainerName": "main"]])
            try lab.store.update(.pods, namespace: "default", name: "target", object: next, subresource: "ephemeralcontainers")
            let updated = try lab.waitForPod("target", timeout: 5) {
                $0["status"]?["ephemeralContainerStatuses"]?.arrayValue?.first?["state"]?["terminated"] != nil
            }
            #expect(updated["status"]?["ephemeralContainerStatuses"]?.arrayValue?.first?["state"]?["terminated"]?["exitCode"]?.intValue == 0)
            #expect(updated["status"]?["phase"]?.stringValue == "Running", "the pod keeps running")
            #expect(KubeletLab.wait(timeout: 2) {
                lab.store.logs.read(namespace: "default", pod: "target", container: "debugger").finished
            })
            let log = String(decoding: lab.store.logs.read(namespace: "default", pod: "target", container: "debugger").bytes,
                             as: UTF8.self)
            #expect(log.contains("inet \(ip)/"), "ephemeral container output: \(log)")
        }
    }

    /// A stdin container's output goes through the lab's pipes (as through containerd's shim): its
    /// exit is reported only once that output is in the log, so logs read at Succeeded are whole.
    @Test func anAttachableContainersLogIsWholeWhenItEnds() throws {
        try KubeletLab.run { lab in
            // Quick ones (as `kubectl debug node/N -i -- chroot /host echo x`) and a long one.
            var commands: [[JSONValue]] = (0..<12).map { ["sh", "-c", .string("echo out-\($0)")] }
            commands.append(["seq", "1", "200000"])
            for (round, command) in commands.enumerated() {
                let name = "burst\(round)"
                try lab.createPod(name, containers: [["name": "main", "image": "busybox", "stdin": true, "command": .array(command)]],
                                  extra: ["restartPolicy": "Never"])
                _ = try lab.waitForPod(name, timeout: 10) { $0["status"]?["phase"]?.stringValue == "Succeeded" }
                let log = String(decoding: lab.store.logs.read(namespace: "default", pod: name, container: "main").bytes, as: UTF8.self)
                let want = round < 12 ? "out-\(round)\n" : (1...200_000).map(String.init).joined(separator: "\n") + "\n"
                #expect(log == want, "round \(round): \(log.count) bytes, ends \(log.suffix(20))")
            }
        }
    }

    @Test func windowsPodStaysPending() throws {
        try KubeletLab.run { lab in
            try lab.store.create(.nodes, namespace: nil, object: KubeletLab.nodeObject(name: "akswin000000", ip: "10.224.0.200", os: "windows"))
            try lab.createPod("win", containers: [["name": "main", "image": "mcr.microsoft.com/windows/nanoserver:ltsc2022"]],
                              extra: ["nodeSelector": ["kubernetes.io/os": "windows"]])
            let pod = try lab.waitForPod("win", timeout: 5) { $0["spec"]?["nodeName"]?.stringValue == "akswin000000" }
            #expect(KubeletLab.wait(timeout: 3) {
                ((try? lab.store.list(.events, namespace: "default").items) ?? []).contains {
                    $0["reason"]?.stringValue == "FailedCreatePodSandBox" && $0["involvedObject"]?["name"]?.stringValue == "win"
                }
            })
            #expect(pod["status"]?["phase"]?.stringValue == "Pending")
            // Linux pods never go to the Windows node.
            for index in 0..<3 {
                try lab.createPod("linux\(index)", containers: [["name": "main", "image": "busybox", "command": ["sleep", "3600"]]])
                let placed = try lab.waitForPod("linux\(index)", timeout: 5) { $0["spec"]?["nodeName"]?.stringValue?.isEmpty == false }
                #expect(placed["spec"]?["nodeName"]?.stringValue != "akswin000000")
            }
        }
    }
}

/// Records "KIND phase" per watch event.
final class PhaseRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [String] = []
    func record(_ event: StoreEvent) {
        let phase = event.object["status"]?["phase"]?.stringValue ?? "-"
        lock.withLock { seen.append("\(event.kind.rawValue) \(phase)") }
    }
    var phases: [String] { lock.withLock { seen } }
}

/// A 2-node kubenet lab network, a store with its Node objects, and a running kubelet.
struct KubeletLab {
    let network: LabNetwork
    let store: LabStore
    let kubelet: LabKubelet

    static func nodeObject(name: String, ip: String, os: String, pool: String = "nodepool1") -> JSONValue {
        [
            "metadata": ["name": .string(name), "labels": [
                "kubernetes.io/os": .string(os), "kubernetes.io/hostname": .string(name), "kubernetes.io/arch": "amd64",
                "kubernetes.azure.com/agentpool": .string(pool), "agentpool": .string(pool),
            ]],
            "spec": [:],
            "status": [
                "conditions": [["type": "Ready", "status": "True", "reason": "KubeletReady"]],
                "addresses": [["type": "InternalIP", "address": .string(ip)], ["type": "Hostname", "address": .string(name)]],
            ],
        ]
    }

    static func namespaces() throws -> [String] {
        try HostCommand.check(["ip", "netns", "list"]).stdout.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    static func wait(timeout: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }

    func createPod(_ name: String, containers: [JSONValue], extra: [String: JSONValue] = [:]) throws {
        var spec: JSONValue = ["containers": .array(containers)]
        for (key, value) in extra { spec.set(key, value) }
        try store.create(.pods, namespace: "default", object: ["metadata": ["name": .string(name)], "spec": spec])
    }

    func waitForPod(_ name: String, timeout: Double, _ condition: (JSONValue) -> Bool) throws -> JSONValue {
        var last: JSONValue?
        let met = KubeletLab.wait(timeout: timeout) {
            last = try? store.get(.pods, namespace: "default", name: name)
            return last.map(condition) ?? false
        }
        guard met, let last else {
            throw FixtureError("pod \(name) did not reach the expected state; last status: \(String(describing: last?["status"]))")
        }
        return last
    }

    /// Brings everything up, runs `body`, and always tears down: kubelet, network, directory;
    /// then checks that no lab namespace is left.
    static func run(statusLag: Double = 0, _ body: (KubeletLab) throws -> Void) throws {
        let labID = "k" + String((0..<6).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement() ?? "x" })
        let directory = NSTemporaryDirectory() + "aksnet-kubelet-\(labID)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let network = try LabNetwork.up(LabNetworkSpec(labID: labID, plugin: .kubenet, nodes: 2), stateFile: directory + "/network.json")
        defer {
            try? network.down()
            let left = ((try? namespaces()) ?? []).filter { $0.hasPrefix(LabNames.namespacePrefix(labID: labID)) }
            #expect(left.isEmpty, "left behind: \(left)")
        }
        let store = LabStore()
        for node in network.nodes {
            try store.create(.nodes, namespace: nil, object: nodeObject(name: node.name, ip: node.ipv4.description, os: "linux"))
        }
        let kubelet = LabKubelet(store: store, network: network, directory: directory, statusLag: { statusLag })
        try kubelet.start()
        var pids: [Int32] = []
        defer {
            kubelet.stop()
            for pid in pids { #expect(kill(pid, 0) == -1, "pod process \(pid) still alive after stop()") }
            #expect(network.pods.isEmpty, "pod namespaces left: \(network.pods.map(\.name))")
        }
        let lab = KubeletLab(network: network, store: store, kubelet: kubelet)
        do {
            try body(lab)
        } catch {
            pids = lab.livePIDs()
            throw error
        }
        pids = lab.livePIDs()
    }

    func livePIDs() -> [Int32] {
        let pods = (try? store.list(.pods, namespace: nil).items) ?? []
        return pods.flatMap { pod in
            (kubelet.sandbox(namespace: pod.metadataNamespace ?? "", name: pod.name)?.containers ?? []).map(\.pid).filter { $0 > 0 }
        }
    }
}
