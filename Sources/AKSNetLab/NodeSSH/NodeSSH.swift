import Foundation

/// One sshd per node, on port 22 inside the node's network namespace, as on an AKS node
/// (what `jump` reaches). Everything lives in DIR/ssh: the user key (`id_ed25519`), a
/// `known_hosts` with each node's host key under its name and its InternalIP, and per node
/// (`nodes/<node>/`) the host key, a lab-written `sshd_config`, the PID file, the log and the
/// node user's home (`home/`, from /etc/skel, as useradd makes azureuser's on an AKS node).
/// /etc/ssh and ~/.ssh are never read for keys nor written, and a session on a node never runs
/// this machine's dotfiles (a pyenv or conda init in root's ~/.bashrc, or one that prints and
/// would break scp): sshd gives it HOME=the node's home.
struct NodeSSH {
    static let sshd = "/usr/sbin/sshd"
    /// sshd refuses to start without its privilege separation directory (made by the init system).
    static let privsepDirectory = "/run/sshd"

    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: sshd) && HostCommand.resolve("ssh-keygen") != nil
    }

    let directory: LabDirectory

    var root: String { directory.file("ssh") }
    var userKey: String { root + "/id_ed25519" }
    var knownHosts: String { root + "/known_hosts" }
    var authorizedKeys: String { root + "/authorized_keys" }
    func nodeDirectory(_ node: String) -> String { root + "/nodes/" + node }
    func config(_ node: String) -> String { nodeDirectory(node) + "/sshd_config" }
    func pidFile(_ node: String) -> String { nodeDirectory(node) + "/sshd.pid" }
    func hostKey(_ node: String) -> String { nodeDirectory(node) + "/ssh_host_ed25519_key" }
    func home(_ node: String) -> String { nodeDirectory(node) + "/home" }
    static let skeleton = "/etc/skel"

    /// Keys, known_hosts and configs for `nodes` (fresh on every `up`).
    func prepare(nodes: [Host]) throws {
        try? FileManager.default.removeItem(atPath: root)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try Self.keygen(userKey, comment: "aksnet-lab")
        let publicKey = try String(contentsOfFile: userKey + ".pub", encoding: .utf8)
        try directory.writeAtomically(publicKey, to: authorizedKeys)
        var known: [String] = []
        for node in nodes {
            try FileManager.default.createDirectory(atPath: nodeDirectory(node.name), withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try Self.keygen(hostKey(node.name), comment: node.name)
            try makeHome(node.name)
            let hostPublic = try String(contentsOfFile: hostKey(node.name) + ".pub", encoding: .utf8).split(separator: " ")
            guard hostPublic.count >= 2 else { throw LabError("unreadable host key \(hostKey(node.name)).pub") }
            let names = [node.name] + node.addresses
            known.append("\(names.joined(separator: ",")) \(hostPublic[0]) \(hostPublic[1])")
            try directory.writeAtomically(sshdConfig(node.name), to: config(node.name))
        }
        try directory.writeAtomically(known.joined(separator: "\n") + "\n", to: knownHosts, mode: 0o644)
    }

    func sshdConfig(_ node: String) -> String {
        """
        # Written by kubectl-aksnet-lab for node \(node); the system's /etc/ssh is not used.
        Port 22
        HostKey "\(hostKey(node))"
        PidFile "\(pidFile(node))"
        AuthorizedKeysFile "\(authorizedKeys)"
        PermitRootLogin prohibit-password
        PubkeyAuthentication yes
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        UsePAM no
        # The node's home, not this machine's: sessions read their dotfiles from $HOME.
        SetEnv "HOME=\(home(node))"
        # The lab directory may sit under /tmp, which StrictModes refuses.
        StrictModes no
        PrintMotd no
        AllowTcpForwarding yes
        Subsystem sftp internal-sftp

        """
    }

    /// The node user's home: a copy of /etc/skel (none when the machine has no skeleton).
    func makeHome(_ node: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: home(node), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for entry in (try? fm.contentsOfDirectory(atPath: Self.skeleton)) ?? [] {
            try fm.copyItem(atPath: Self.skeleton + "/" + entry, toPath: home(node) + "/" + entry)
        }
    }

    /// Starts each node's sshd (in the foreground, `-D`, so its PID is ours) and waits until
    /// each has written its PID file, which sshd does once it listens. A node whose sshd does
    /// not come up is reported, not fatal: the rest of the lab does not need it.
    func start(nodes: [Host], log: (String) -> Void) -> [LabProcess] {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: Self.privsepDirectory, isDirectory: &isDirectory) {
            mkdir(Self.privsepDirectory, 0o755)
        }
        var started: [(node: String, process: LabProcess)] = []
        for node in nodes {
            let argv = ["ip", "netns", "exec", node.netns] + Self.hostnamePrefix(node) + [Self.sshd, "-D", "-e", "-f", config(node.name)]
            do {
                let logFile = nodeDirectory(node.name) + "/sshd.log"
                started.append((node.name, try LabProcess.start(argv, stdoutPath: logFile, stderrPath: logFile)))
            } catch {
                log("sshd on node \(node.name) did not start: \(error)")
            }
        }
        let deadline = Date().addingTimeInterval(5)
        for (node, process) in started {
            while !FileManager.default.fileExists(atPath: pidFile(node)), process.isRunning, Date() < deadline { usleep(10_000) }
            if !process.isRunning || !FileManager.default.fileExists(atPath: pidFile(node)) {
                let text = (try? String(contentsOfFile: nodeDirectory(node) + "/sshd.log", encoding: .utf8)) ?? ""
                log("sshd on node \(node) is not listening: \(text.split(separator: "\n").suffix(3).joined(separator: " | "))")
            }
        }
        return started.map(\.process)
    }

    /// For a node with a hostname of its own: a new UTS namespace named after the node, then the
    /// same process becomes sshd (`unshare` and `sh` exec, so the PID stays the one started). The
    /// name is an argument of the fixed script, never part of it.
    static func hostnamePrefix(_ node: Host) -> [String] {
        guard let hostname = node.hostname else { return [] }
        // Full path: `ip netns exec` looks programs up in the daemon's PATH, which may be bare.
        return [HostCommand.resolve("unshare") ?? "/usr/bin/unshare", "--uts", "--", "/bin/sh", "-c", #"printf %s "$1" > /proc/sys/kernel/hostname && shift && exec "$@""#,
                "sh", hostname]
    }

    /// `down`: ends every sshd a PID file names, after checking from /proc that the PID still
    /// is that node's sshd (a PID can be reused once the daemon crashed); then forgets the files.
    func stopLeftovers() -> Int {
        let nodes = (try? FileManager.default.contentsOfDirectory(atPath: root + "/nodes")) ?? []
        var stopped = 0
        for node in nodes {
            guard let text = try? String(contentsOfFile: pidFile(node), encoding: .utf8),
                  let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0 else { continue }
            if Self.commandLine(pid).contains(config(node)) {
                kill(pid, SIGTERM)
                let deadline = Date().addingTimeInterval(3)
                while kill(pid, 0) == 0, Self.commandLine(pid).contains(config(node)), Date() < deadline { usleep(20_000) }
                if Self.commandLine(pid).contains(config(node)) { kill(pid, SIGKILL) }
                stopped += 1
            }
            try? FileManager.default.removeItem(atPath: pidFile(node))
        }
        return stopped
    }

    /// The command line of a running process, words joined by spaces ("" when it is gone or a
    /// zombie). sshd rewrites it (`sshd: /usr/sbin/sshd -D -e -f CONFIG [listener] …`), keeping the config path.
    static func commandLine(_ pid: pid_t) -> String {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { return "" }
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
    }

    static func keygen(_ path: String, comment: String) throws {
        try? FileManager.default.removeItem(atPath: path)
        try? FileManager.default.removeItem(atPath: path + ".pub")
        _ = try HostCommand.check(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path])
    }
}

extension NodeSSH {
    /// Where one node's sshd runs and the names its host key is known under.
    struct Host: Sendable, Equatable {
        var name: String
        var netns: String
        /// The InternalIPs (known_hosts lists the host key under the name and each of them).
        var addresses: [String]
        /// Set when sshd gets a UTS namespace of its own with this hostname: a Windows node, where
        /// nothing else of this machine runs. A Linux node's sshd shares the machine's hostname
        /// with the node's other processes (its pods' hostNetwork shells).
        var hostname: String?

        init(_ node: NodeNetwork) {
            name = node.name
            netns = node.netns
            addresses = [node.ipv4.description] + (node.ipv6.map { [$0] } ?? [])
        }

        init(_ node: WindowsNodeNetwork) {
            name = node.name
            netns = node.netns
            addresses = [node.ipv4.description]
            hostname = node.name
        }
    }
}
