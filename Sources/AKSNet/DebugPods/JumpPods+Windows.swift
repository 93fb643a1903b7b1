import KubeModel

/// `jump --shell` on a Windows node: a HostProcess pod (Windows has no privileged Linux pod and
/// no chroot). The container is a process on the host as `NT AUTHORITY\SYSTEM`, in the host's
/// network; its image only carries the process (HostProcess images need not match the host's
/// Windows version), so the shell is the host's own PowerShell or cmd.
extension JumpPods {
    /// Microsoft's minimal image for HostProcess containers (any Windows host version).
    public static let windowsShellImage = "mcr.microsoft.com/oss/kubernetes/windows-host-process-containers-base-image:v1.0.0"
    public static let windowsSystemUser = "NT AUTHORITY\\SYSTEM"

    public static func windowsShell(name: String, node: String, image: String, options: HelperPodOptions,
                                    namespace: String = HelperLabels.namespace) -> JSONValue {
        var spec = commonSpec(node: node, options: options)
        spec["nodeSelector"] = ["kubernetes.io/os": "windows"]
        spec["hostNetwork"] = true
        spec["securityContext"] = ["windowsOptions": ["hostProcess": true, "runAsUserName": .string(windowsSystemUser)]]
        spec["containers"] = [[
            "name": "shell",
            "image": .string(image),
            // The host's PowerShell sleeps out the deadline; the shell or command comes by exec.
            "command": .array(["powershell.exe", "-NoLogo", "-NoProfile", "-NonInteractive", "-Command",
                               "Start-Sleep -Seconds \(max(1, options.deadlineSeconds))"].map(JSONValue.string)),
        ]]
        var labels = options.labels.objectValue ?? JSONObject()
        labels[roleKey] = "shell"
        labels[nodeKey] = .string(HelperLabels.dnsLabel([node]))
        return pod(name: name, namespace: namespace, labels: labels, annotations: options.annotations, spec: spec)
    }

    /// What a Windows shell exec runs: the command as given (the runtime joins it into a Windows
    /// command line), or an interactive PowerShell.
    public static func windowsShellCommand(command: [String]) -> [String] {
        command.isEmpty ? ["powershell.exe", "-NoLogo"] : command
    }
}
