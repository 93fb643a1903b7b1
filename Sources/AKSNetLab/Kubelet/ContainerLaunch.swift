#if canImport(Glibc)
import Glibc
#endif
import KubeModel

/// How one container's process is started: a pure function of the pod and container specs,
/// so it is tested as a table. The argv is `ip netns exec NS env -i [-C DIR] K=V… [setpriv …] -- CMD…`;
/// every stage execs the next, so the started PID is the container's own process.
struct ContainerLaunch: Equatable {
    /// The default capability set of containerd (NET_RAW included), as setpriv spells them.
    static let defaultCapabilities = ["chown", "dac_override", "fsetid", "fowner", "mknod", "net_raw", "setgid",
                                      "setuid", "setfcap", "setpcap", "net_bind_service", "sys_chroot", "kill", "audit_write"]
    static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// Why a container cannot be created (waiting reason CreateContainerConfigError).
    struct ConfigError: Error, Equatable { var message: String }

    /// What the pod contributes: identity, addresses, node root for hostPath `/`.
    struct PodContext {
        var namespace: String
        var name: String
        var uid: String
        var nodeName: String
        var podIP: String
        var hostIP: String
        var netns: String
        var nodeRoot: String
        var serviceAccount: String = "default"
        /// PATH of the container: the image's own programs first (see `LabImages.binDirectory`).
        var path: String = ContainerLaunch.defaultPath
    }

    var argv: [String]
    /// The container's own command (what attach shows).
    var command: [String]
    /// Its hostPath volumes, made before `argv` runs.
    var mounts = HostPathMounts(binds: [], nodeFolders: [], mountPoints: [])

    /// `defaultCommand` is used when neither `command` nor `args` is given (images are names only).
    static func make(pod: JSONValue, container: JSONValue, context: PodContext,
                     defaultCommand: [String] = ["sleep", "infinity"],
                     isSymlink: (String) -> Bool = { _ in false }, exists: (String) -> Bool = { _ in true }) throws -> ContainerLaunch {
        let podSecurity = pod["spec"]?["securityContext"]
        let security = container["securityContext"]
        let name = container["name"]?.stringValue ?? ""
        func setting(_ key: String) -> JSONValue? {
            if let value = security?[key], value != .null { return value }
            if let value = podSecurity?[key], value != .null { return value }
            return nil
        }
        let runAsUser = setting("runAsUser")?.intValue
        let runAsGroup = setting("runAsGroup")?.intValue
        if setting("runAsNonRoot")?.boolValue == true {
            let where_ = "(pod: \"\(context.name)_\(context.namespace)(\(context.uid))\", container: \(name))"
            if runAsUser == nil {
                throw ConfigError(message: "container has runAsNonRoot and image will run as root \(where_)")
            }
            if runAsUser == 0 {
                throw ConfigError(message: "container's runAsUser breaks non-root policy \(where_)")
            }
        }

        // Environment: what the runtime sets from the image (PATH, HOSTNAME, HOME), then what the kubelet
        // gives — the service variables, then the spec's own, each value expanded against those before it.
        let user = runAsUser ?? 0
        let image: [(String, String)] = [("PATH", context.path), ("HOSTNAME", String(context.name.prefix(63))),
                                         ("HOME", user == 0 ? "/root" : "/")]
        var defined: [(String, String)] = [
            ("KUBERNETES_SERVICE_HOST", "10.0.0.1"), ("KUBERNETES_SERVICE_PORT", "443"),
            ("KUBERNETES_SERVICE_PORT_HTTPS", "443"), ("KUBERNETES_PORT", "tcp://10.0.0.1:443"),
        ]
        for entry in container["env"]?.arrayValue ?? [] {
            guard let key = entry["name"]?.stringValue, !key.isEmpty, !key.contains("=") else { continue }
            if let value = entry["value"]?.stringValue {
                defined.append((key, ContainerExpansion.expand(value, in: defined)))
            } else if let path = entry["valueFrom"]?["fieldRef"]?["fieldPath"]?.stringValue {
                let fields = ["metadata.name": context.name, "metadata.namespace": context.namespace, "metadata.uid": context.uid,
                              "spec.nodeName": context.nodeName, "status.podIP": context.podIP, "status.hostIP": context.hostIP,
                              "spec.serviceAccountName": context.serviceAccount]
                defined.append((key, fields[path] ?? ""))
            } else {
                defined.append((key, ""))
            }
        }
        var environment = image + defined

        // command and args are expanded against the container's variables (not the image's), as the kubelet does.
        let commandPart = (container["command"]?.arrayValue?.compactMap(\.stringValue) ?? []).map { ContainerExpansion.expand($0, in: defined) }
        let argsPart = (container["args"]?.arrayValue?.compactMap(\.stringValue) ?? []).map { ContainerExpansion.expand($0, in: defined) }
        var command = commandPart + argsPart
        if commandPart.isEmpty && argsPart.isEmpty { command = defaultCommand }
        guard !command.isEmpty else { throw ConfigError(message: "no command specified") }

        // hostPath volumes are bind mounts (below); the node's root is also named in the environment.
        let hostRootVolumes = Set((pod["spec"]?["volumes"]?.arrayValue ?? []).compactMap { volume -> String? in
            volume["hostPath"]?["path"]?.stringValue == "/" ? volume["name"]?.stringValue : nil
        })
        for mount in container["volumeMounts"]?.arrayValue ?? [] {
            guard let volume = mount["name"]?.stringValue, hostRootVolumes.contains(volume),
                  let path = mount["mountPath"]?.stringValue else { continue }
            environment.append(("AKSNET_HOST_ROOT", context.nodeRoot))
            environment.append(("AKSNET_HOST_ROOT_MOUNT", path))
            break
        }

        let mounts = HostPathMounts.make(pod: pod, container: container, nodeRoot: context.nodeRoot,
                                         isSymlink: isSymlink, exists: exists)
        var argv = ["ip", "netns", "exec", context.netns] + mounts.argvPrefix + ["env", "-i"]
        if let directory = container["workingDir"]?.stringValue, !directory.isEmpty { argv += ["-C", directory] }
        argv += environment.map { "\($0.0)=\($0.1)" }

        var setpriv: [String] = []
        let privileged = security?["privileged"]?.boolValue == true
        if !privileged {
            var capabilities = defaultCapabilities
            let drop = (security?["capabilities"]?["drop"]?.arrayValue ?? []).compactMap { $0.stringValue.map(capabilityName) }
            let add = (security?["capabilities"]?["add"]?.arrayValue ?? []).compactMap { $0.stringValue.map(capabilityName) }
            if drop.contains("all") { capabilities = [] }
            capabilities.removeAll { drop.contains($0) }
            if add.contains("all") {
                capabilities = []
                setpriv += ["--bounding-set", "+all"]
            } else {
                for cap in add where !capabilities.contains(cap) { capabilities.append(cap) }
                setpriv += ["--bounding-set", (["-all"] + capabilities.map { "+" + $0 }).joined(separator: ",")]
            }
        }
        if user != 0 {
            setpriv += ["--reuid=\(user)", "--regid=\(runAsGroup ?? user)", "--clear-groups"]
        } else if let runAsGroup {
            setpriv += ["--regid=\(runAsGroup)", "--clear-groups"]
        }
        if !setpriv.isEmpty { argv += ["setpriv"] + setpriv + ["--"] }
        return ContainerLaunch(argv: argv + command, command: command, mounts: mounts)
    }

    /// `NET_RAW` / `CAP_NET_RAW` → `net_raw`.
    static func capabilityName(_ text: String) -> String {
        var name = text.lowercased()
        if name.hasPrefix("cap_") { name.removeFirst(4) }
        return name
    }
}

extension ContainerLaunch {
    /// True while `pid` is still the launcher (`ip netns exec`, `unshare`, the mount script).
    /// `Z` in /proc/PID/stat: the process ended (a command quicker than one look, e.g. `echo`).
    static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        return stat[close...].dropFirst().trimmingCharacters(in: .whitespaces).first == "Z"
    }

    static func stillMounting(_ pid: Int32) -> Bool {
        let fd = open("/proc/\(pid)/cmdline", O_RDONLY)
        guard fd >= 0 else { return false }  // gone: nothing to wait for
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = read(fd, &buffer, buffer.count)
        // Empty: between two execs (look again), or exited and not yet reaped (nothing to wait for).
        guard n > 0 else { return !isZombie(pid) }
        let words = buffer[0..<n].split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        let program = words.first.map { String($0.split(separator: "/").last ?? "") } ?? ""
        return program == "ip" || program == "unshare" || words.contains("aksnet-mounts")
    }
}
