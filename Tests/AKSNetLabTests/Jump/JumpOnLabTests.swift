import Foundation
import TestSupport
import Testing

/// `kubectl aksnet jump` against one lab (2 Linux nodes and 1 Windows node, each with its own sshd):
/// ssh/scp through `--stdio` as a ProxyCommand, `jump NODE` running the local ssh, `--shell`,
/// the clear errors, and no pod left behind by any way of ending.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd")
                              && FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh")))
struct JumpOnLabTests {
    static var plugin: String { PluginOnLabTests.plugin }
    static let managed = "app.kubernetes.io/managed-by=kubectl-aksnet"

    struct Lab {
        let cluster: LabCluster
        var dir: String { cluster.dir }
        var key: String { dir + "/ssh/id_ed25519" }
        var knownHosts: String { dir + "/ssh/known_hosts" }
        var sshOptions: [String] {
            ["-F", "/dev/null", "-i", key, "-o", "UserKnownHostsFile=\(knownHosts)", "-o", "StrictHostKeyChecking=yes",
             "-o", "BatchMode=yes", "-o", "ConnectTimeout=20"]
        }
        var proxy: String { "\(JumpOnLabTests.plugin) jump --kubeconfig \(cluster.kubeconfig) --stdio %h" }

        /// Stops NODE's sshd by its PID file: what SSH disabled on a pool looks like to a relay.
        func stopSSHD(_ node: String) throws {
            let pidFile = "\(dir)/ssh/nodes/\(node)/sshd.pid"
            let pid = try #require(pid_t(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(NodeSSHTests.isLabSSHD(pid, dir))
            kill(pid, SIGTERM)
            for _ in 0..<50 where NodeSSHTests.isLabSSHD(pid, dir) { usleep(100_000) }
        }

        /// ssh through `jump --stdio` as ProxyCommand, strict host key checking.
        func ssh(_ host: String, _ command: String) throws -> ProcessResult {
            try Shell.run("/usr/bin/ssh", sshOptions + ["-o", "ProxyCommand=\(proxy)", "root@\(host)", command], timeout: 90)
        }
        func scp(_ from: String, _ to: String) throws -> ProcessResult {
            try Shell.run("/usr/bin/scp", sshOptions + ["-o", "ProxyCommand=\(proxy)", from, to], timeout: 300)
        }
        func jump(_ args: [String], environment: [String: String]? = nil, timeout: Double = 90) throws -> ProcessResult {
            try Shell.run(JumpOnLabTests.plugin, ["jump"] + cluster.kc + args, environment: environment, timeout: timeout)
        }
        /// `jump NODE -l root -i KEY -o …` (the local ssh, strict, against the lab's known_hosts).
        func sshJump(_ node: String, _ command: [String]) throws -> ProcessResult {
            try jump([node, "-l", "root", "-i", key, "-o", "UserKnownHostsFile=\(knownHosts)", "-o", "StrictHostKeyChecking=yes",
                      "-o", "BatchMode=yes", "--"] + command)
        }
        func managedPods() throws -> String { try cluster.waitNoManaged(timeout: 0) }
        func waitNoManagedPods(timeout: Double = 15) throws -> String { try cluster.waitNoManaged(timeout: timeout) }
        func internalIP(_ node: String) throws -> String {
            try cluster.k(["get", "node", node, "-o", #"jsonpath={.status.addresses[?(@.type=="InternalIP")].address}"#]).stdout
        }
    }

    static func sha256(_ path: String) throws -> String {
        String(try Shell.run("/usr/bin/sha256sum", [path]).stdout.prefix(64))
    }

    /// One case's own lab (2 Linux nodes with sshd, 1 Windows node): the first failure hides
    /// nothing. The suite runs its cases one at a time (each times real ssh sessions).
    static func withLab(_ body: (Lab, [String], String) throws -> Void) throws {
        let cluster = try LabCluster(["--nodes", "2", "--windows-nodes", "1"])
        defer { cluster.down() }
        let nodes = try cluster.nodes()
        try #require(nodes.count == 2, "\(nodes)")
        let windows = try cluster.k(["get", "nodes", "-l", "kubernetes.io/os=windows", "-o", "jsonpath={.items[0].metadata.name}"]).stdout
        try body(Lab(cluster: cluster), nodes, windows)
    }

    @Test func proxyCommand() throws { try Self.withLab { lab, nodes, _ in try proxyCommandReachesEachNodeByNameAndIP(lab, nodes: nodes) } }
    @Test func scp() throws { try Self.withLab { lab, nodes, _ in try scpIsByteExactBothWays(lab, node: nodes[1]) } }
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/rsync")))
    func rsync() throws { try Self.withLab { lab, nodes, _ in try rsyncThroughTheProxyCommand(lab, node: nodes[0]) } }
    @Test func sshConfig() throws { try Self.withLab { lab, nodes, _ in try printedSSHConfigReachesTheNodes(lab, nodes: nodes) } }
    @Test func sharedRelay() throws { try Self.withLab { lab, nodes, _ in try concurrentStdioCallsShareOneRelay(lab, node: nodes[0]) } }
    @Test func sshJump() throws { try Self.withLab { lab, nodes, _ in try sshJumpRunsTheCommandOnThatNode(lab, nodes: nodes) } }
    @Test func shell() throws { try Self.withLab { lab, nodes, _ in try shellRunsInTheNodesRoot(lab, node: nodes[0]) } }
    @Test func errors() throws { try Self.withLab { lab, nodes, windows in try clearErrors(lab, node: nodes[0], windows: windows) } }
    @Test func interactiveShell() throws { try Self.withLab { lab, nodes, _ in try interactiveShellInTmux(lab, node: nodes[1]) } }
    @Test func nodeMenu() throws { try Self.withLab { lab, nodes, _ in try leftOutNodeIsPickedFromAList(lab, nodes: nodes) } }
    @Test func droppedStreams() throws { try Self.withLab { lab, nodes, _ in try droppedStreamsLeaveNoPod(lab, node: nodes[0]) } }
    @Test func everyWayOfEnding() throws { try Self.withLab { lab, nodes, _ in try everyWayOfEndingLeavesNoPod(lab, nodes: nodes) } }
    @Test func slowStatus() throws { try Self.withLab { lab, nodes, _ in try usedBeforeTheStatusSaysRunning(lab, node: nodes[0]) } }
    @Test func sshDisabled() throws { try Self.withLab { lab, nodes, _ in try sshDisabledIsSaidClearly(lab, node: nodes[1]) } }

    /// A kubelet whose relist is slow (`pleg-lag=20s`: a started container shows in the pod's
    /// status 20 s after it started; a real kubelet's generic PLEG relists every second): jump's
    /// exec and its relay probe go as soon as the kubelet serves them, so all three ways finish
    /// long before the status could say Running; `kubectl debug`, which waits for it, cannot.
    func usedBeforeTheStatusSaysRunning(_ lab: Lab, node: String) throws {
        #expect(try LifecycleTests.lab(["fault", "--dir", lab.dir, "set", "pleg-lag=20s"]).status == 0)
        defer { _ = try? LifecycleTests.lab(["fault", "--dir", lab.dir, "clear"]) }
        let ip = try lab.internalIP(node)
        func timed(_ body: () throws -> ProcessResult) rethrows -> (ProcessResult, Double) {
            let started = Date()
            let result = try body()
            return (result, Date().timeIntervalSince(started))
        }
        let (shell, shellTook) = try timed { try lab.jump(["--shell", node, "--", "echo", "early"]) }
        #expect(shell.status == 0 && shell.stdout == "early\n", "\(shell)")
        #expect(shellTook < 10, "jump --shell waited for the status: \(shellTook) s")
        let (ssh, sshTook) = try timed { try lab.sshJump(node, ["ip", "-4", "-o", "addr", "show", "eth0"]) }
        #expect(ssh.status == 0 && ssh.stdout.contains("inet \(ip)/"), "\(ssh)")
        #expect(sshTook < 10, "jump NODE waited for the status: \(sshTook) s")
        #expect(try lab.waitNoManagedPods(timeout: 30) == "")
        let (proxied, proxiedTook) = try timed { try lab.ssh(node, "ip -4 -o addr show eth0") }
        #expect(proxied.status == 0 && proxied.stdout.contains("inet \(ip)/"), "\(proxied)")
        #expect(proxiedTook < 10, "jump --stdio waited for the status: \(proxiedTook) s")
        #expect(try lab.waitNoManagedPods(timeout: 30) == "")
    }

    func proxyCommandReachesEachNodeByNameAndIP(_ lab: Lab, nodes: [String]) throws {
        for node in nodes {
            let ip = try lab.internalIP(node)
            for host in [node, ip] {
                // The lab's sshd shares this machine's UTS namespace (hostname is the same on
                // every node): the node's own eth0 address says which node answered.
                let answer = try lab.ssh(host, "hostname && ip -4 -o addr show eth0")
                #expect(answer.status == 0 && answer.stdout.contains("inet \(ip)/"), "\(host): \(answer)")
                #expect((answer.stdout.split(separator: "\n").first?.count ?? 0) > 0, "hostname printed")
            }
        }
        // The relays are shared and left by the last user: none stays.
        #expect(try lab.waitNoManagedPods() == "")
    }

    /// `--print-ssh-config` as ssh's config file: `ssh NODE` works by name (kubectl on PATH is a
    /// shim that runs the plugin for `kubectl aksnet`, as kubectl's plugin lookup would).
    func printedSSHConfigReachesTheNodes(_ lab: Lab, nodes: [String]) throws {
        let printed = try lab.jump(["--print-ssh-config", "-l", "root", "-i", lab.key])
        #expect(printed.status == 0 && printed.stdout.contains("Host \(nodes.joined(separator: " "))"), "\(printed)")
        let config = lab.dir + "/jump-ssh-config"
        try printed.stdout.write(toFile: config, atomically: true, encoding: .utf8)
        let bin = lab.dir + "/jump-bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try "#!/bin/sh\n[ \"$1\" = aksnet ] && shift && exec '\(Self.plugin)' \"$@\"\nexit 1\n".write(toFile: bin + "/kubectl", atomically: true, encoding: .utf8)
        chmod(bin + "/kubectl", 0o755)
        let path = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        for node in nodes {
            let ip = try lab.internalIP(node)
            let answer = try Shell.run("/usr/bin/ssh", ["-F", config, "-o", "UserKnownHostsFile=\(lab.knownHosts)", "-o", "StrictHostKeyChecking=yes",
                                                        "-o", "BatchMode=yes", node, "ip -4 -o addr show eth0"], environment: ["PATH": path], timeout: 60)
            #expect(answer.status == 0 && answer.stdout.contains("inet \(ip)/"), "\(node): \(answer)")
        }
    }

    /// Like ansible: several ssh through `--stdio` to one node at once share the running relay;
    /// the last one out deletes it.
    func concurrentStdioCallsShareOneRelay(_ lab: Lab, node: String) throws {
        func ssh(_ command: String) throws -> Background {
            try Background("/usr/bin/ssh", lab.sshOptions + ["-o", "ProxyCommand=\(lab.proxy)", "root@\(node)", command])
        }
        let first = try ssh("echo up; sleep 4")
        #expect(first.waitFor("up", timeout: 60), "\(first.errors)")
        let others = try (0..<6).map { _ in try ssh("sleep 1; echo done") }
        usleep(500_000)
        let relays = try lab.cluster.k(["get", "pods", "-n", "aksnet-system", "-l", "aksnet.io/jump-role=relay", "-o", "name"]).stdout
            .split(separator: "\n")
        #expect(relays.count == 1, "one shared relay: \(relays)")
        for run in others {
            #expect(run.wait(timeout: 60) == 0, "\(run.errors)")
            #expect(run.output == "done\n")
        }
        #expect(first.wait(timeout: 60) == 0, "\(first.errors)")
        #expect(try lab.waitNoManagedPods() == "")
    }

    func scpIsByteExactBothWays(_ lab: Lab, node: String) throws {
        let local = lab.dir + "/jump-64m.bin"
        let remote = lab.dir + "/jump-remote.bin"  // the node's sshd sees this machine's files
        let back = lab.dir + "/jump-back.bin"
        #expect(try Shell.run("/bin/sh", ["-c", "head -c 67108864 /dev/urandom > '\(local)'"]).status == 0)
        let start = Date()
        let up = try lab.scp(local, "root@\(node):\(remote)")
        let upSeconds = Date().timeIntervalSince(start)
        #expect(up.status == 0, "\(up)")
        let down = try lab.scp("root@\(node):\(remote)", back)
        #expect(down.status == 0, "\(down)")
        let want = try Self.sha256(local)
        #expect(try Self.sha256(remote) == want)
        #expect(try Self.sha256(back) == want)
        print("jump --stdio scp 64 MiB up: \(String(format: "%.1f", 64 / upSeconds)) MiB/s")
        for file in [local, remote, back] { try? FileManager.default.removeItem(atPath: file) }
    }

    /// `rsync -e 'ssh -o ProxyCommand=…'` of a folder to the node and back: the files arrive
    /// byte-exact and a second run sends nothing (rsync's own protocol runs over the relay).
    func rsyncThroughTheProxyCommand(_ lab: Lab, node: String) throws {
        let source = lab.dir + "/rsync-src/"
        let remote = lab.dir + "/rsync-remote/"  // the node's sshd sees this machine's files
        let back = lab.dir + "/rsync-back/"
        #expect(try Shell.run("/bin/sh", ["-c", "mkdir -p '\(source)sub' && head -c 3000000 /dev/urandom > '\(source)a.bin' && echo hi > '\(source)sub/b.txt'"]).status == 0)
        let ssh = (["/usr/bin/ssh"] + lab.sshOptions + ["-o", "ProxyCommand=\(lab.proxy)"]).map { "'\($0)'" }.joined(separator: " ")
        func rsync(_ from: String, _ to: String) throws -> ProcessResult {
            try Shell.run("/usr/bin/rsync", ["-a", "--stats", "-e", ssh, from, to], timeout: 120)
        }
        let up = try rsync(source, "root@\(node):\(remote)")
        #expect(up.status == 0, "\(up)")
        let again = try rsync(source, "root@\(node):\(remote)")
        #expect(again.status == 0 && again.stdout.contains("Number of regular files transferred: 0"), "\(again)")
        let down = try rsync("root@\(node):\(remote)", back)
        #expect(down.status == 0, "\(down)")
        #expect(try Self.sha256(back + "a.bin") == Self.sha256(source + "a.bin"))
        #expect(try String(contentsOfFile: back + "sub/b.txt", encoding: .utf8) == "hi\n")
        #expect(try lab.waitNoManagedPods() == "")
    }

    func sshJumpRunsTheCommandOnThatNode(_ lab: Lab, nodes: [String]) throws {
        for node in nodes {
            let podCIDR = try lab.cluster.k(["get", "node", node, "-o", "jsonpath={.spec.podCIDR}"]).stdout
            let routes = try lab.sshJump(node, ["ip", "route"])
            #expect(routes.status == 0, "\(routes)")
            let cbr0 = routes.stdout.split(separator: "\n").filter { $0.contains("dev cbr0") }
            #expect(cbr0.contains { $0.hasPrefix(podCIDR + " ") }, "\(node) \(podCIDR): \(routes.stdout)")
        }
        let seven = try lab.sshJump(nodes[0], ["sh", "-c", "exit 7"])
        #expect(seven.status == 7, "\(seven)")
        let words = try lab.sshJump(nodes[0], ["printf", "%s|", "a b", "it's"])
        #expect(words.stdout == "a b|it's|", "each word reaches the node as one word: \(words)")
        #expect(try lab.waitNoManagedPods() == "")
    }

    func shellRunsInTheNodesRoot(_ lab: Lab, node: String) throws {
        let seven = try lab.jump(["--shell", node, "--", "sh", "-c", "exit 7"])
        #expect(seven.status == 7, "\(seven)")
        let folder = "\(lab.dir)/nodes/\(node)/etc/cni/net.d"
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: folder).sorted().first)
        let cat = try lab.jump(["--shell", node, "--", "cat", "/etc/cni/net.d/\(file)"])
        let onNode = try String(contentsOfFile: "\(folder)/\(file)", encoding: .utf8)
        #expect(cat.status == 0 && cat.stdout == onNode, "\(cat)")
        // A folder copied off the node with tar, byte-exact (binary through the exec stream).
        let out = lab.dir + "/jump-tar"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let source = "\(lab.dir)/nodes/\(node)/jump-data"
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        #expect(try Shell.run("/bin/sh", ["-c", "head -c 3000000 /dev/urandom > '\(source)/blob' && cp -r '\(folder)' '\(source)/'"]).status == 0)
        let copy = try Shell.run("/bin/sh", ["-c", "'\(JumpOnLabTests.plugin)' jump --kubeconfig '\(lab.cluster.kubeconfig)' --shell \(node) -- tar -C / -c jump-data | tar -x -C '\(out)'"], timeout: 90)
        #expect(copy.status == 0, "\(copy)")
        let wantBlob = try Self.sha256("\(source)/blob")
        #expect(try Self.sha256("\(out)/jump-data/blob") == wantBlob)
        let diff = try Shell.run("/usr/bin/diff", ["-r", source, "\(out)/jump-data"])
        #expect(diff.status == 0, "\(diff)")
        #expect(try lab.waitNoManagedPods() == "")
    }

    func clearErrors(_ lab: Lab, node: String, windows: String) throws {
        func oneLine(_ result: ProcessResult, _ needle: String, _ what: String) {
            let lines = result.stderr.split(separator: "\n")
            #expect(result.status == 1 && lines.count == 1 && result.stderr.contains(needle), "\(what): \(result)")
        }
        oneLine(try lab.jump(["--stdio", "no-such-node"]), "node \"no-such-node\" not found", "unknown node")
        oneLine(try lab.jump(["--shell", "10.9.9.9", "--", "true"]), "not found", "unknown IP")
        if !windows.isEmpty {
            // SSH to the Windows node works (its own sshd; JumpWindowsOnLabTests has more, and
            // the error when nothing answers there). It also makes aksnet-system, so the viewer
            // below is refused pods, not the namespace.
            let reached = try lab.ssh(windows, "hostname")
            #expect(reached.status == 0 && reached.stdout == windows + "\n", "Windows SSH: \(reached)")
            // --shell on Windows is a HostProcess pod; the lab has no Windows runtime, and the
            // sandbox event says so (a real Windows node runs it).
            let hostProcess = try lab.jump(["--shell", windows, "--pod-running-timeout", "4s", "--", "ipconfig"])
            #expect(hostProcess.status == 1 && hostProcess.stderr.contains("FailedCreatePodSandBox")
                && hostProcess.stderr.contains("is a Windows node"), "Windows --shell: \(hostProcess)")
            oneLine(try lab.jump(["--shell", windows, "--profile", "netadmin", "--", "ipconfig"]), "applies to Linux nodes only", "Windows --profile")
        }
        oneLine(try lab.jump(["--context", "aksnet-lab-viewer", "--shell", node, "--", "true"]), "create pods", "viewer --shell")
        let viewer = try lab.jump(["--context", "aksnet-lab-viewer", "--stdio", node])
        #expect(viewer.status == 1 && viewer.stderr.contains("create pods"), "viewer --stdio: \(viewer)")
        let pull = try lab.jump(["--image", "nosuch/image", "--stdio", node])
        #expect(pull.status == 1 && pull.stderr.contains("ErrImagePull") && pull.stderr.contains("--image"), "image pull: \(pull)")
        // A private image pulls with --image-pull-secret (the lab registry's credentials in aksnet-system).
        let secret = try lab.cluster.k(["create", "secret", "generic", "acr", "-n", "aksnet-system", "--type=kubernetes.io/dockerconfigjson",
                                        "--from-file=.dockerconfigjson=\(lab.dir)/registry/config.json"])
        #expect(secret.status == 0, "\(secret)")
        let privateImage = try lab.jump(["--image", "aksnetlab.azurecr.io/aksnet/netshoot", "--image-pull-secret", "acr",
                                         "--shell", node, "--", "true"])
        #expect(privateImage.status == 0, "\(privateImage)")
        let noSSH = try lab.jump([node, "--", "true"], environment: ["PATH": "/nonexistent"])
        oneLine(noSSH, "openssh-client", "ssh not installed")
        #expect(try lab.waitNoManagedPods() == "")
    }

    /// `--shell` on a terminal: the size follows the pane, Ctrl-D leaves, the terminal is restored, the pod is gone.
    func interactiveShellInTmux(_ lab: Lab, node: String) throws {
        let tty = try TtyScenario.run("\(Self.plugin) jump --kubeconfig \(lab.cluster.kubeconfig) --shell \(node)",
                                      scratch: lab.dir, tmux: Tmux("jumptty"))
        #expect(tty.first.contains("24 80"), "screen: \(tty.first)")
        #expect(tty.resized.contains("30 100"), "screen after resize: \(tty.resized)")
        #expect(tty.exited.contains("EXIT=0"), "screen after Ctrl-D: \(tty.exited)")
        #expect(!tty.sttyBefore.isEmpty && tty.sttyBefore == tty.sttyAfter, "the terminal was not restored")
        #expect(try lab.waitNoManagedPods() == "")
    }

    /// NODE left out on a terminal: a numbered list (every node, its OS a column), a wrong
    /// answer asked again, the number picks the node; without a terminal it is a usage error.
    func leftOutNodeIsPickedFromAList(_ lab: Lab, nodes: [String]) throws {
        let tmux = Tmux("jumpmenu")
        defer { tmux.kill() }
        try tmux.run(["new-session", "-d", "-s", "menu", "-x", "120", "-y", "24", "env", "PS1=$ ", "TERM=xterm", "bash", "--norc", "--noprofile"])
        let sorted = nodes.sorted()
        try tmux.run(["send-keys", "-t", "menu", "\(Self.plugin) jump --kubeconfig \(lab.cluster.kubeconfig) --shell -- cat /etc/hostname; echo EXIT=$?", "Enter"])
        // Linux nodes (aks-…) sort before the Windows one (akswin…).
        let menu = try tmux.waitFor("menu", "node [1-3]: ", timeout: 20)
        #expect(menu.contains("1) \(sorted[0])") && menu.contains("2) \(sorted[1])") && menu.contains("3) akswin"), "menu: \(menu)")
        #expect(menu.contains("windows"), "the Windows node is listed with its OS: \(menu)")
        try tmux.run(["send-keys", "-t", "menu", "7", "Enter"])
        #expect(try tmux.waitFor("menu", "pick a number from 1 to 3").contains("pick a number from 1 to 3"))
        try tmux.run(["send-keys", "-t", "menu", "2", "Enter"])
        let done = try tmux.waitFor("menu", "EXIT=0", timeout: 60)
        #expect(done.contains("\n\(sorted[1])\n") && done.contains("EXIT=0"), "screen: \(done)")
        let piped = try lab.jump(["--shell", "--", "true"])
        #expect(piped.status == 2 && piped.stderr.contains("give the NODE"), "\(piped)")
        #expect(try lab.waitNoManagedPods() == "")
    }

    /// A stream the API server cuts (`stream-drop`) ends the jump with exit 1 and deletes its pod.
    func droppedStreamsLeaveNoPod(_ lab: Lab, node: String) throws {
        #expect(try LifecycleTests.lab(["fault", "--dir", lab.dir, "set", "stream-drop=1Mi"]).status == 0)
        defer { _ = try? LifecycleTests.lab(["fault", "--dir", lab.dir, "clear"]) }
        let shell = try lab.jump(["--shell", node, "--", "head", "-c", "20000000", "/dev/zero"])
        #expect(shell.status == 1 && shell.stderr.contains("cut"), "\(shell.status) \(shell.stderr)")
        let ssh = try lab.ssh(node, "head -c 20000000 /dev/zero")
        #expect(ssh.status != 0 && ssh.stdout.utf8.count < 20_000_000, "\(ssh.status) \(ssh.stderr)")
        #expect(try lab.waitNoManagedPods() == "")
    }

    /// Four jumps at once (two to the same node, sharing its relay, and a --shell), ended by
    /// SIGINT, SIGTERM, then SIGKILL + cleanup: no managed pod afterwards.
    func everyWayOfEndingLeavesNoPod(_ lab: Lab, nodes: [String]) throws {
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGKILL] {
            let sshArgs = ["-l", "root", "-i", lab.key, "-o", "UserKnownHostsFile=\(lab.knownHosts)", "-o", "BatchMode=yes", "--",
                           "sh", "-c", "echo up; sleep 120"]
            // The first one makes node 0's relay; the second one to node 0 starts once it runs and joins it.
            let first = try Background(Self.plugin, ["jump"] + lab.cluster.kc + [nodes[0]] + sshArgs)
            #expect(first.waitFor("up", timeout: 90), "\(first.errors)")
            let runs = try [
                first,
                Background(Self.plugin, ["jump"] + lab.cluster.kc + [nodes[0]] + sshArgs),
                Background(Self.plugin, ["jump"] + lab.cluster.kc + [nodes[1]] + sshArgs),
                Background(Self.plugin, ["jump"] + lab.cluster.kc + ["--shell", nodes[1], "--", "sh", "-c", "echo up; sleep 120"]),
            ]
            for run in runs { #expect(run.waitFor("up", timeout: 90), "\(run.errors)") }
            let pods = try lab.managedPods().split(separator: "\n")
            #expect(pods.count == 3, "two relays (one shared) and a shell: \(pods)")
            for run in runs { run.signal(signal) }
            for run in runs { #expect(run.wait(timeout: 30) != nil, "still running after \(signal)") }
            if signal == SIGKILL {
                let cleanup = try Shell.run(Self.plugin, ["cleanup", "-A"] + lab.cluster.kc)
                #expect(cleanup.status == 0, "\(cleanup)")
            }
            #expect(try lab.waitNoManagedPods() == "", "after signal \(signal)")
        }
    }

    func sshDisabledIsSaidClearly(_ lab: Lab, node: String) throws {
        try lab.stopSSHD(node)
        let ip = try lab.internalIP(node)
        let want = "node \(node) (\(ip)) does not accept SSH on port 22: SSH may be disabled on this node pool (az aks nodepool update --ssh-access …); use --shell"
        for args in [[node, "-l", "root", "--", "true"], ["--stdio", node]] {
            let refused = try lab.jump(args)
            #expect(refused.status == 1 && refused.stderr == "error: \(want)\n", "\(args): \(refused)")
        }
        #expect(try lab.waitNoManagedPods() == "")
    }
}
