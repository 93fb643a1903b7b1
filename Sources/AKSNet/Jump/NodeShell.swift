import KubeClient
import KubeModel

/// `jump --shell NODE [-- COMMAND…]`: a node pod (profile as `kubectl debug`) pinned to the node in
/// aksnet-system, then an exec of `chroot /host COMMAND` (sysadmin) or an interactive shell; on a
/// Windows node a HostProcess pod (SYSTEM, host network) and the host's PowerShell.
/// The exec's exit code is ours; without a tty, stdin and stdout are the exec's channels,
/// binary clean (so `-- tar -c … | tar -x` copies files). The pod is deleted on every exit path.
public struct NodeShell {
    public let client: KubeClient
    public let options: JumpOptions
    public var profile: ShellProfile = .sysadmin
    public var command: [String] = []

    public init(client: KubeClient, options: JumpOptions) {
        self.client = client
        self.options = options
    }

    /// `io` comes from the CLI (tty, raw mode and resize are the terminal's business).
    public func run(io: ExecIO, tty: Bool, beforeExec: @escaping () -> Void = {}) throws(JumpError) -> Int32 {
        let (node, _) = try JumpNode.resolve(options.node, client: client)
        if node.isWindows, profile != .sysadmin { throw JumpError.windowsProfile(node: node.name, profile: profile.rawValue) }
        let helper = options.helperOptions(session: HelperLabels.newSessionID())
        let session = HelperSession(client: client, options: helper)
        defer { session.cleanup() }
        do { try session.ensureHelperNamespace() } catch { throw JumpError.session(error) }
        let name = HelperLabels.dnsLabel(["aksnet-shell", helper.session, node.name])
        let pod = node.isWindows
            ? JumpPods.windowsShell(name: name, node: node.name, image: options.windowsImage, options: helper)
            : JumpPods.shell(name: name, node: node.name, profile: profile, options: helper)
        do { _ = try session.createPod(pod) } catch { throw JumpError.session(error) }
        var shellIO = io
        let outer = io.isCancelled
        shellIO.isCancelled = { StopSignal.isSet || outer() }
        // A terminal goes raw once the exec is upgraded: until then Ctrl-C is a signal that deletes the pod.
        shellIO.onUpgraded = beforeExec
        let request = ExecRequest(namespace: HelperLabels.namespace, pod: name, container: "shell",
                                  command: node.isWindows ? JumpPods.windowsShellCommand(command: command)
                                      : JumpPods.shellCommand(profile: profile, command: command),
                                  stdin: io.stdinFD != nil, tty: tty)
        // The exec once the container runs: a probe (`true`) tells, often a relist before the
        // status says Running. Never the command itself: through kube-apiserver 1.30+ a v5 exec is
        // upgraded before the kubelet is asked, so a refusal comes after the 101, when stdin may
        // already have been read into a stream that goes nowhere.
        do {
            try session.waitServing(namespace: HelperLabels.namespace, pod: name, container: "shell", ephemeral: false,
                                    timeout: options.startTimeout, probe: node.isWindows ? ["cmd.exe", "/c", "exit 0"] : ["true"])
        } catch {
            throw JumpError.session(error)
        }
        if StopSignal.isSet { throw JumpError.session(.interrupted(StopSignal.received)) }
        let result: Result<Int32, KubeError>
        do { result = .success(try client.exec(request, io: shellIO)) } catch { result = .failure(error) }
        if StopSignal.isSet { throw JumpError.session(.interrupted(StopSignal.received)) }
        switch result {
        case .success(let code): return code
        case .failure(let error): throw JumpError.stream(error.description)
        }
    }
}
