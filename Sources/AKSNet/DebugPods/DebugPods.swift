import KubeModel

/// Helper pods and ephemeral containers as pure values (table-tested; the same code could
/// write `manifests/`). Commands are argv arrays: user strings never pass through a shell.
public enum DebugPods {
    /// The namespace node helpers live in: labelled so PodSecurity admits privileged,
    /// hostNetwork pods there whatever the cluster's default is.
    public static func helperNamespace(_ name: String = HelperLabels.namespace) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "Namespace",
            "metadata": [
                "name": .string(name),
                "labels": [
                    HelperLabels.managedByKey: .string(HelperLabels.managedByValue),
                    HelperLabels.podSecurityEnforce: "privileged",
                ],
            ],
        ]
    }

    /// A short-lived node helper: hostNetwork, privileged, host `/` at `/host` (read-only),
    /// pinned with nodeName, tolerating every taint, gone by its deadline even if we are killed.
    /// Its process only sleeps; the work runs through exec, so a second run can reuse it (`--keep`).
    public static func nodeHelper(name: String, node: String, options: HelperPodOptions,
                                  namespace: String = HelperLabels.namespace) -> JSONValue {
        var spec = JSONObject()
        spec["nodeName"] = .string(node)
        spec["hostNetwork"] = true
        spec["dnsPolicy"] = "ClusterFirstWithHostNet"
        spec["restartPolicy"] = "Never"
        spec["activeDeadlineSeconds"] = .int(Int64(options.deadlineSeconds))
        spec["terminationGracePeriodSeconds"] = 0
        spec["automountServiceAccountToken"] = false
        spec["nodeSelector"] = ["kubernetes.io/os": "linux"]
        spec["tolerations"] = [["operator": "Exists"]]
        if !options.imagePullSecrets.isEmpty {
            spec["imagePullSecrets"] = .array(options.imagePullSecrets.map { ["name": .string($0)] })
        }
        spec["containers"] = [[
            "name": "aksnet",
            "image": .string(options.image),
            "command": .array(sleepCommand(options.deadlineSeconds).map(JSONValue.string)),
            "securityContext": ["privileged": true, "runAsUser": 0],
            "volumeMounts": [["name": "host", "mountPath": "/host", "readOnly": true]],
        ]]
        spec["volumes"] = [["name": "host", "hostPath": ["path": "/", "type": "Directory"]]]
        return [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": [
                "name": .string(name), "namespace": .string(namespace),
                "labels": options.labels, "annotations": options.annotations,
            ],
            "spec": .object(spec),
        ]
    }

    /// An ephemeral container in the target pod's network namespace. It adds no capability
    /// (the runtime's default set holds NET_RAW, enough for `tcpdump -p`; PodSecurity baseline
    /// refuses an added NET_RAW) and runs as root for itself only, saying runAsNonRoot=false so
    /// a pod-level runAsNonRoot does not block it.
    public static func ephemeralCapture(name: String, targetContainer: String?, options: HelperPodOptions) -> JSONValue {
        var container = JSONObject()
        container["name"] = .string(name)
        container["image"] = .string(options.image)
        container["command"] = .array(ephemeralCommand(options.deadlineSeconds).map(JSONValue.string))
        if let targetContainer, !targetContainer.isEmpty { container["targetContainerName"] = .string(targetContainer) }
        container["stdin"] = false
        container["tty"] = false
        container["securityContext"] = ["runAsUser": 0, "runAsNonRoot": false]
        return .object(container)
    }

    /// The strategic-merge patch to `pods/NAME/ephemeralcontainers` that adds one container.
    public static func ephemeralPatch(_ container: JSONValue) -> JSONValue {
        ["spec": ["ephemeralContainers": [container]]]
    }

    /// The ephemeral container's process: it logs its PID (so the session can end it after the
    /// capture: an ephemeral container cannot be deleted) and sleeps out the deadline. The script
    /// is constant; its only value, `$0`, is the deadline in seconds, a number we make.
    public static func ephemeralCommand(_ seconds: Int) -> [String] {
        ["sh", "-c", "echo \(pidLogPrefix)$$; exec sleep \"$0\"", String(max(1, seconds))]
    }

    public static let pidLogPrefix = "aksnet-pid "

    /// The helper's own process: it sleeps out its deadline, so it ends even if nobody deletes it.
    public static func sleepCommand(_ seconds: Int) -> [String] { ["sleep", String(max(1, seconds))] }
}
