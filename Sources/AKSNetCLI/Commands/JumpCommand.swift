import AKSNet
import ArgumentParser
import KubeClient
import KubeModel
#if canImport(Glibc)
import Glibc
#endif

/// `kubectl aksnet jump`: SSH through a relay pod, a ProxyCommand relay (`--stdio`), or a node
/// shell without SSH (`--shell`). Thin: the work lives in AKSNet/Jump.
struct JumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jump",
        abstract: "SSH, scp or a root shell on a node with no public IP, through a short-lived pod.",
        discussion: """
        NODE is a node name or one of its InternalIPs.

          kubectl aksnet jump NODE [-l USER] [-i KEY] [-o SSH_OPTION] [-- COMMAND…]
              runs your local ssh through a relay pod (unprivileged socat to NODE_IP:22); exit code = ssh's
          ssh -o ProxyCommand='kubectl aksnet jump --stdio %h' azureuser@NODE
              (--stdio NODE [PORT]) relays stdin/stdout to the node's port; scp, rsync -e and ansible work
          kubectl aksnet jump --shell NODE [--profile sysadmin|netadmin|general] [-- COMMAND…]
              a privileged node pod and chroot /host: no SSH needed; exit code = the command's;
              on a Windows node a HostProcess container (NT AUTHORITY\\SYSTEM) and the host's PowerShell

        Keys, passwords and agents never enter the cluster; host-key checking stays as your ssh \
        config has it. Pods are deleted on exit, Ctrl-C, SIGTERM and SIGHUP; `kubectl aksnet cleanup` \
        finds any left behind.
        """)

    @Argument(help: "The node (a node name or an InternalIP).")
    var node: String?

    @Argument(help: "With --stdio: the node's port (default 22).")
    var port: UInt16?

    @Flag(help: "Relay stdin/stdout to the node's port (for ssh -o ProxyCommand=…).")
    var stdio = false

    @Flag(help: "A root shell (or COMMAND) on the node through a privileged node pod, without SSH.")
    var shell = false

    @Flag(name: .customLong("print-ssh-config"), help: "Print a Host block for ~/.ssh/config (every node, ProxyCommand through --stdio).")
    var printSSHConfig = false

    @Option(help: "With --shell: sysadmin (privileged, chroot /host), netadmin (host network, NET_ADMIN/NET_RAW) or general.")
    var profile: String = "sysadmin"

    @Option(name: [.customShort("l"), .customLong("ssh-user")], help: "The SSH user (default azureuser, as AKS creates it).")
    var user: String = "azureuser"

    @Option(name: [.customShort("i"), .customLong("identity")], help: "The SSH private key (stays on this machine).")
    var identity: String?

    @Option(name: .customShort("o"), help: "An ssh option, passed through (repeatable), e.g. -o UserKnownHostsFile=F.")
    var sshOptions: [String] = []

    @Option(name: .customLong("local-port"), help: "The local port ssh connects to (default: a free port).")
    var localPort: UInt16 = 0

    @Option(help: "Pod image (needs socat; chroot for --shell).")
    var image: String = HelperPodOptions.defaultImage

    @Option(name: .customLong("windows-image"), help: "With --shell on a Windows node: the HostProcess container's image.")
    var windowsImage: String = JumpPods.windowsShellImage

    @Option(name: .customLong("pod-running-timeout"), help: "How long the pod may take to run, image pull included, e.g. 30s, 5m (default 2m).")
    var podRunningTimeout: String = "2m"

    @Option(name: .customLong("image-pull-secret"), help: "Pull secret in aksnet-system for the pod's image; repeatable.")
    var imagePullSecrets: [String] = []

    @Option(help: "The pod's activeDeadlineSeconds, e.g. 30m, 1h (default 1h).")
    var deadline: String = "1h"

    @OptionGroup var kube: KubeFlags

    @Argument(parsing: .postTerminator, help: "The remote command and its arguments, after --.")
    var command: [String] = []

    var deadlineSeconds: Int { Int(Durations.parse(deadline) ?? 0) }
    var runningTimeout: Double { Durations.parse(podRunningTimeout) ?? 0 }

    func validate() throws {
        if stdio && shell { throw ValidationError("--stdio and --shell are exclusive") }
        if printSSHConfig {
            if stdio || shell || node != nil || !command.isEmpty { throw ValidationError("--print-ssh-config takes no NODE, --stdio, --shell or COMMAND") }
            return
        }
        if node == nil, stdio || !(Terminal.isTerminal(0) && Terminal.isTerminal(2)) {
            throw ValidationError("give the NODE (a node name or an InternalIP); on a terminal, leave it out to pick from a list")
        }
        if node?.isEmpty == true { throw ValidationError("give the NODE (a node name or an InternalIP)") }
        if stdio {
            if port == 0 { throw ValidationError("PORT must be 1-65535") }
            if !command.isEmpty { throw ValidationError("--stdio takes no COMMAND") }
        } else if let port {
            throw ValidationError("unexpected argument \(port); PORT goes with --stdio, a remote command after --")
        }
        if ShellProfile(rawValue: profile) == nil { throw ValidationError("--profile must be sysadmin, netadmin or general") }
        if deadlineSeconds < 60 { throw ValidationError("--deadline takes a duration of at least 1m, e.g. 30m or 1h") }
        if !(1...3600).contains(runningTimeout) { throw ValidationError("--pod-running-timeout takes a duration from 1s to 1h, e.g. 30s or 5m") }
        if windowsImage.isEmpty { throw ValidationError("--windows-image must not be empty") }
    }

    func run() throws {
        let client: KubeClient
        do { client = try kube.makeClient() } catch { throw CommandFailure(error.description) }
        var options = JumpOptions()
        if printSSHConfig { return try printConfig(client: client) }
        let node: String
        if let given = self.node { node = given } else { node = try pickNode(client: client) }
        options.node = node
        options.port = stdio ? port ?? 22 : 22
        options.image = image
        options.imagePullSecrets = imagePullSecrets
        options.deadlineSeconds = deadlineSeconds
        options.windowsImage = windowsImage
        options.startTimeout = runningTimeout
        options.commandLine = (["kubectl", "aksnet", "jump"] + (stdio ? ["--stdio"] : shell ? ["--shell"] : []) + [node] + (port.map { [String($0)] } ?? [])).joined(separator: " ")
        options.createdBy = client.config.userName
        StopSignal.install()
        let code: Int32
        do {
            if stdio {
                code = try StdioRelay(client: client, options: options).run()
            } else if shell {
                code = try runShell(client: client, options: options)
            } else {
                var line = SSHCommandLine(node: options.node, localPort: 0)
                line.user = user
                line.identity = identity
                line.options = sshOptions
                line.command = command
                var jump = SSHJump(client: client, options: options, ssh: line)
                jump.localPort = localPort
                code = try jump.run()
            }
        } catch {
            if case .usage(let message) = error { throw ValidationError(message) }
            throw CommandFailure(error.description)
        }
        if code != 0 { throw ExitCode(code) }
    }

    /// NODE left out on a terminal: a numbered list on stderr, the answer read from stdin.
    func pickNode(client: KubeClient) throws -> String {
        let nodes: [JumpNode]
        do { nodes = try JumpNode.list(client: client, why: "to list them to pick from") } catch { throw CommandFailure(error.description) }
        let menu = NodeMenu(nodes: nodes)
        guard !menu.nodes.isEmpty else { throw CommandFailure("the cluster has no node") }
        StandardStreams.writeError(menu.text)
        for _ in 0..<5 {
            switch menu.pick(readLine(strippingNewline: true)) {
            case .node(let name): return name
            case .cancelled: throw CommandFailure("no node picked")
            case .again(let line): StandardStreams.writeError(line + "\nnode [1-\(menu.nodes.count)]: ")
            }
        }
        throw CommandFailure("no node picked")
    }

    func printConfig(client: KubeClient) throws {
        let names: [String]
        do {
            names = try client.list(.nodes()).items.compactMap(\.metadataName).sorted()
        } catch {
            throw CommandFailure(error.description)
        }
        var block = SSHConfigBlock(context: client.config.contextName, kubeconfig: kube.kubeconfig, nodes: names)
        block.user = user
        block.identity = identity
        StandardStreams.writeOutput(block.text)
    }

    /// The terminal side of --shell: a tty (raw mode, resize, restored after) only when stdin and
    /// stdout are terminals and no command was given with a pipe.
    func runShell(client: KubeClient, options: JumpOptions) throws(JumpError) -> Int32 {
        var shell = NodeShell(client: client, options: options)
        shell.profile = ShellProfile(rawValue: profile) ?? .sysadmin
        shell.command = command
        let tty = Terminal.isTerminal(0) && Terminal.isTerminal(1)
        var io = ExecIO(stdinFD: 0)
        if tty {
            io.wakeFD = Terminal.watchWindowSize()
            io.terminalSize = { Terminal.size(of: 0) }
        }
        // Raw mode only once the pod runs: until then Ctrl-C is a signal that deletes it.
        defer { if tty { Terminal.restore() } }
        return try shell.run(io: io, tty: tty, beforeExec: {
            guard tty else { return }
            _ = Terminal.enterRaw()
            // enterRaw's handlers restore the terminal and die at once; ours end the exec so the
            // pod is deleted first, and the deferred restore runs after.
            StopSignal.install()
        })
    }
}
