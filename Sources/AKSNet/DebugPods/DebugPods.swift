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
            "name": .string(HelperNames.nodeContainer),
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
        // Its process lives as long as its stdin is open (see EphemeralHold): stdinOnce makes the
        // runtime close that stdin when the session's attach ends, however the session ends.
        container["stdin"] = true
        container["stdinOnce"] = true
        container["tty"] = false
        container["securityContext"] = ["runAsUser": 0, "runAsNonRoot": false]
        return .object(container)
    }

    /// The strategic-merge patch to `pods/NAME/ephemeralcontainers` that adds one container.
    public static func ephemeralPatch(_ container: JSONValue) -> JSONValue {
        ["spec": ["ephemeralContainers": [container]]]
    }

    /// The ephemeral container's process: `cat` holds on to stdin (the session keeps it open
    /// through an attach and closes it to end the container), `timeout` bounds it by the deadline
    /// if nobody ever attaches. No `$` anywhere: a kubelet expands `$(NAME)` and `$$` in commands.
    public static func ephemeralCommand(_ seconds: Int) -> [String] {
        ["timeout", String(max(1, seconds)), "cat"]
    }

    /// The helper's own process: it sleeps out its deadline, so it ends even if nobody deletes it.
    public static func sleepCommand(_ seconds: Int) -> [String] { ["sleep", String(max(1, seconds))] }
}
