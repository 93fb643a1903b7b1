import KubeModel

/// The pods `kubectl aksnet jump` creates, as pure values (table-tested like DebugPods).
public enum JumpPods {
    /// The port socat listens on inside the relay pod (its own network namespace, so a fixed port
    /// never collides; bound to 127.0.0.1, so only a port-forward reaches it).
    public static let relayListenPort: UInt16 = 2222
    public static let roleKey = "aksnet.io/jump-role"
    public static let nodeKey = "aksnet.io/jump-node"
    public static let portKey = "aksnet.io/jump-port"
    /// Set (under a resourceVersion check) by the last user leaving a shared relay: nobody joins it after.
    public static let closingAnnotation = "aksnet.io/jump-closing"
    /// One annotation per `--stdio` user of a shared relay: `aksnet.io/jump-user-<session>`.
    public static let userAnnotationPrefix = "aksnet.io/jump-user-"

    /// socat's target address: an IPv6 InternalIP needs brackets and TCP6.
    public static func socatTarget(ip: String, port: UInt16) -> String {
        ip.contains(":") ? "TCP6:[\(ip)]:\(port),connect-timeout=10" : "TCP:\(ip):\(port),connect-timeout=10"
    }

    /// The relay's process: one socat child per accepted connection to the node's port, ended by
    /// `timeout` at the deadline even if the pod outlives it. No `$` (a kubelet expands `$(…)`).
    public static func relayCommand(targetIP: String, targetPort: UInt16, seconds: Int) -> [String] {
        ["timeout", String(max(1, seconds)), "socat",
         "TCP-LISTEN:\(relayListenPort),bind=127.0.0.1,fork,reuseaddr",
         socatTarget(ip: targetIP, port: targetPort)]
    }

    /// The SSH relay: unprivileged (no hostNetwork, no capability, non-root, restricted-compatible),
    /// on `runOn` (the node itself for a Linux node; a Linux node for a Windows one), forwarding
    /// 127.0.0.1:2222 in the pod to `targetIP:targetPort`. No key or credential ever enters it.
    public static func relay(name: String, runOn node: String, targetNode: String, targetIP: String, targetPort: UInt16,
                             options: HelperPodOptions, namespace: String = HelperLabels.namespace,
                             firstUser: String? = nil) -> JSONValue {
        var spec = commonSpec(node: node, options: options)
        spec["containers"] = [[
            "name": "relay",
            "image": .string(options.image),
            "command": .array(relayCommand(targetIP: targetIP, targetPort: targetPort, seconds: options.deadlineSeconds).map(JSONValue.string)),
            "securityContext": [
                "runAsNonRoot": true, "runAsUser": 65534, "runAsGroup": 65534,
                "allowPrivilegeEscalation": false,
                "capabilities": ["drop": ["ALL"]],
                "seccompProfile": ["type": "RuntimeDefault"],
            ],
        ]]
        var labels = options.labels.objectValue ?? JSONObject()
        labels[roleKey] = "relay"
        labels[nodeKey] = .string(HelperLabels.dnsLabel([targetNode]))
        labels[portKey] = .string(String(targetPort))
        var annotations = options.annotations.objectValue ?? JSONObject()
        annotations["aksnet.io/jump-target"] = .string("\(targetNode) \(targetIP):\(targetPort)")
        if let firstUser { annotations[userAnnotationPrefix + firstUser] = "1" }
        return pod(name: name, namespace: namespace, labels: labels, annotations: .object(annotations), spec: spec)
    }

    /// A node shell: pinned to the node in aksnet-system; its process only sleeps out the deadline
    /// and the shell or command runs through exec. Profiles as `kubectl debug node/…`:
    /// sysadmin = privileged + hostNetwork/hostPID + host `/` read-write at /host (chroot works);
    /// netadmin = hostNetwork/hostPID + NET_ADMIN, NET_RAW, no /host; general = hostNetwork/hostPID
    /// + host `/` at /host, no added privilege.
    public static func shell(name: String, node: String, profile: ShellProfile, options: HelperPodOptions,
                             namespace: String = HelperLabels.namespace) -> JSONValue {
        var spec = commonSpec(node: node, options: options)
        spec["hostNetwork"] = true
        spec["hostPID"] = true
        spec["dnsPolicy"] = "ClusterFirstWithHostNet"
        var container = JSONObject()
        container["name"] = "shell"
        container["image"] = .string(options.image)
        container["command"] = .array(DebugPods.sleepCommand(options.deadlineSeconds).map(JSONValue.string))
        switch profile {
        case .sysadmin:
            container["securityContext"] = ["privileged": true, "runAsUser": 0]
        case .netadmin:
            container["securityContext"] = ["runAsUser": 0, "capabilities": ["add": ["NET_ADMIN", "NET_RAW"]]]
        case .general:
            container["securityContext"] = ["runAsUser": 0]
        }
        if profile.mountsHost {
            container["volumeMounts"] = [["name": "host", "mountPath": "/host"]]
            spec["volumes"] = [["name": "host", "hostPath": ["path": "/", "type": "Directory"]]]
        }
        spec["containers"] = [.object(container)]
        var labels = options.labels.objectValue ?? JSONObject()
        labels[roleKey] = "shell"
        labels[nodeKey] = .string(HelperLabels.dnsLabel([node]))
        return pod(name: name, namespace: namespace, labels: labels, annotations: options.annotations, spec: spec)
    }

    /// What a shell exec runs: the host's root through `chroot /host` for sysadmin (never
    /// `nsenter -t 1`), the image's own programs otherwise. Without a command: a login shell.
    public static func shellCommand(profile: ShellProfile, command: [String]) -> [String] {
        let interactive = ["sh", "-c", "if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi"]
        let body = command.isEmpty ? interactive : command
        return profile == .sysadmin ? ["chroot", "/host"] + body : body
    }

    static func commonSpec(node: String, options: HelperPodOptions) -> JSONObject {
        var spec = JSONObject()
        spec["nodeName"] = .string(node)
        spec["restartPolicy"] = "Never"
        spec["activeDeadlineSeconds"] = .int(Int64(options.deadlineSeconds))
        spec["terminationGracePeriodSeconds"] = 0
        spec["automountServiceAccountToken"] = false
        spec["enableServiceLinks"] = false
        spec["nodeSelector"] = ["kubernetes.io/os": "linux"]
        spec["tolerations"] = [["operator": "Exists"]]
        if !options.imagePullSecrets.isEmpty {
            spec["imagePullSecrets"] = .array(options.imagePullSecrets.map { ["name": .string($0)] })
        }
        return spec
    }

    static func pod(name: String, namespace: String, labels: JSONObject, annotations: JSONValue, spec: JSONObject) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": ["name": .string(name), "namespace": .string(namespace),
                         "labels": .object(labels), "annotations": annotations],
            "spec": .object(spec),
        ]
    }
}

/// `--profile` of `jump --shell`, as `kubectl debug`'s node profiles.
public enum ShellProfile: String, Sendable, CaseIterable {
    case sysadmin, netadmin, general
    var mountsHost: Bool { self != .netadmin }
}
