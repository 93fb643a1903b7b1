import Foundation

/// The few things the dataplane does inside one network namespace, each one
/// program run with an argv: `ip -n NS -batch -`, `ip netns exec NS sysctl`,
/// `ip netns exec NS iptables(-restore)`. Nothing here touches the root namespace.
enum Netns {
    static func add(_ name: String) throws {
        try HostCommand.check(["ip", "netns", "add", name])
    }

    /// Deletes a namespace after ending (by PID) any process still inside it, so
    /// that the namespace and every link in it really go away.
    static func delete(_ name: String) throws {
        stopProcesses(in: name)
        let output = try HostCommand.run(["ip", "netns", "delete", name])
        if !output.succeeded && !output.stderr.contains("No such file") {
            throw LabNetworkError.commandFailed(argv: ["ip", "netns", "delete", name], status: output.status, stderr: output.stderr)
        }
    }

    static func list() throws -> [String] {
        let output = try HostCommand.check(["ip", "netns", "list"])
        return output.stdout.split(separator: "\n").compactMap { line in
            line.split(separator: " ").first.map(String.init)
        }
    }

    /// SIGTERM, up to 2 s grace, then SIGKILL: only PIDs living in this lab namespace.
    static func stopProcesses(in name: String) {
        func pids() -> [pid_t] {
            guard let output = try? HostCommand.run(["ip", "netns", "pids", name]), output.succeeded else { return [] }
            return output.stdout.split(whereSeparator: \.isWhitespace).compactMap { pid_t(String($0)) }
                .filter { $0 > 1 && $0 != getpid() }
        }
        var remaining = pids()
        guard !remaining.isEmpty else { return }
        for pid in remaining { kill(pid, SIGTERM) }
        for _ in 0..<20 {
            usleep(100_000)
            remaining = pids()
            if remaining.isEmpty { return }
        }
        for pid in remaining { kill(pid, SIGKILL) }
        usleep(100_000)
    }

    /// Runs `ip` commands (one per element, tokens without whitespace) in one process.
    static func ipBatch(_ netns: String, _ commands: [[String]]) throws {
        guard !commands.isEmpty else { return }
        for token in commands.joined() where token.isEmpty || token.contains(where: { $0.isWhitespace || "\"'\\#".contains($0) }) {
            throw LabNetworkError.invalidSpec("unsafe token in ip command: \(token)")
        }
        let script = commands.map { $0.joined(separator: " ") }.joined(separator: "\n") + "\n"
        try HostCommand.check(["ip", "-n", netns, "-batch", "-"], input: script)
    }

    static func ip(_ netns: String, _ args: [String]) throws {
        try HostCommand.check(["ip", "-n", netns] + args)
    }

    static func sysctl(_ netns: String, _ settings: [String]) throws {
        guard !settings.isEmpty else { return }
        try HostCommand.check(["ip", "netns", "exec", netns, "sysctl", "-q"] + settings.flatMap { ["-w", $0] })
    }

    static func iptablesRestore(_ netns: String, _ rules: String, ipv6: Bool = false) throws {
        try HostCommand.check(["ip", "netns", "exec", netns, ipv6 ? "ip6tables-restore" : "iptables-restore", "--noflush"], input: rules)
    }

    @discardableResult
    static func iptables(_ netns: String, _ args: [String], check: Bool = true) throws -> HostCommand.Output {
        let argv = ["ip", "netns", "exec", netns, "iptables", "-w"] + args
        return check ? try HostCommand.check(argv) : try HostCommand.run(argv)
    }
}
