import KubeModel

/// What `kubectl aksnet manifests` writes: the objects each command creates, built by the very
/// builders the commands call (DebugPods, JumpPods, HelperNames), with placeholder node and pod
/// names, plus the RBAC each command needs (SuiteRoles). `manifests/` in the repository is this
/// output; a test fails when the two differ.
public enum HelperManifests {
    /// One file of the output: a path under the manifests folder, a header comment, the objects.
    public struct File: Sendable, Equatable {
        public let path: String
        public let comment: String
        public let objects: [JSONValue]
    }

    /// Placeholders: a node as AKS names them, a pod, a session id.
    public static let node = "aks-nodepool1-00000000-vmss000000"
    public static let nodeIP = "10.224.0.4"
    public static let windowsNode = "akswin000000"
    public static let pod = "web-0"
    public static let session = "00000000"

    static func options(_ command: String, _ line: String) -> HelperPodOptions {
        HelperPodOptions(session: session, command: command, commandLine: line)
    }

    public static var files: [File] { helperFiles + rbacFiles + inspectFiles }

    static var helperFiles: [File] {
        let sniffNode = options("sniff", "kubectl aksnet sniff node/\(node)")
        let sniffPod = options("sniff", "kubectl aksnet sniff \(pod)")
        let capture = DebugPods.ephemeralCapture(name: HelperNames.ephemeralContainer(command: "sniff", session: session),
                                                 targetContainer: nil, options: sniffPod)
        var out: [File] = [
            File(path: "namespace.yaml",
                 comment: "The namespace node helpers run in (created on first use; PodSecurity privileged there only).",
                 objects: [DebugPods.helperNamespace()]),
            File(path: "sniff/node-helper.yaml",
                 comment: "sniff node/NODE (and --mode node): a hostNetwork, privileged helper pinned to the node; tcpdump runs in it through exec.",
                 objects: [DebugPods.nodeHelper(name: HelperNames.nodeHelperPod(command: "sniff", node: node, session: session),
                                                node: node, options: sniffNode)]),
            File(path: "sniff/ephemeral-patch.yaml",
                 comment: "sniff POD (--mode ephemeral): the strategic-merge patch sent to pods/POD/ephemeralcontainers. No added capability.",
                 objects: [DebugPods.ephemeralPatch(capture)]),
        ]
        let jump = options("jump", "kubectl aksnet jump \(node)")
        let relayName = HelperLabels.dnsLabel(["aksnet-jump", session, node])
        out.append(File(path: "jump/relay.yaml",
                        comment: "jump NODE and jump --stdio NODE: an unprivileged socat relay to NODE_IP:22 (restricted-compatible).",
                        objects: [JumpPods.relay(name: relayName, runOn: node, targetNode: node, targetIP: nodeIP, targetPort: 22,
                                                 options: jump, firstUser: session)]))
        for profile in ShellProfile.allCases {
            let shell = options("jump", "kubectl aksnet jump --shell \(node) --profile \(profile.rawValue)")
            out.append(File(path: "jump/shell-\(profile.rawValue).yaml",
                            comment: "jump --shell NODE --profile \(profile.rawValue): the node pod the shell runs in through exec.",
                            objects: [JumpPods.shell(name: HelperLabels.dnsLabel(["aksnet-shell", session, node]), node: node,
                                                     profile: profile, options: shell)]))
        }
        let windows = options("jump", "kubectl aksnet jump --shell \(windowsNode)")
        out.append(File(path: "jump/shell-windows.yaml",
                        comment: "jump --shell on a Windows node: a HostProcess pod (NT AUTHORITY\\SYSTEM, host network); PowerShell runs through exec.",
                        objects: [JumpPods.windowsShell(name: HelperLabels.dnsLabel(["aksnet-shell", session, windowsNode]), node: windowsNode,
                                                        image: JumpPods.windowsShellImage, options: windows)]))
        return out
    }

    static var rbacFiles: [File] {
        SuiteRoles.files.map { File(path: "rbac/\($0.name).yaml", comment: $0.comment, objects: $0.objects) }
    }

    /// inspect's collector (the node helper it acquires per node) and the DaemonSet it makes past
    /// `--daemonset-threshold` nodes, from the builders InspectCollector and DaemonSetCollection call.
    static var inspectFiles: [File] {
        var inspect = InspectOptions()
        inspect.session = session
        inspect.commandLine = "kubectl aksnet inspect"
        let helper = inspect.helperOptions
        return [
            File(path: "inspect/collector.yaml",
                 comment: "inspect: one privileged hostNetwork collector per Linux node in aksnet-system (deadline 10 min); one exec runs the fixed collector script in it.",
                 objects: [DebugPods.nodeHelper(name: HelperNames.nodeHelperPod(command: InspectOptions.command, node: node, session: session),
                                                node: node, options: helper)]),
            File(path: "inspect/daemonset.yaml",
                 comment: "inspect past --daemonset-threshold nodes (default 50): one DaemonSet of the same container on the selected Linux nodes, deleted at the end of the run (and by cleanup).",
                 objects: [DaemonSetCollection.daemonSet(name: DaemonSetCollection.name(session: session), nodes: [node], options: helper)]),
        ]
    }
}
