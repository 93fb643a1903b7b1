/// tcpdump as the helpers run it: argv only (the filter is argv after `--`, never a shell
/// string), behind a tiny `sh` that reports its PID so a second exec can stop it with SIGINT
/// (tcpdump then flushes whole packets and prints its received/dropped counts).
public struct TcpdumpInvocation: Equatable, Sendable {
    public var interface: String
    public var snaplen: Int
    public var filter: [String]
    public var count: Int?
    /// Non-promiscuous (`-p`): enough with the runtime's default NET_RAW.
    public var nonPromiscuous: Bool

    public init(interface: String, snaplen: Int = 262144, filter: [String] = [], count: Int? = nil, nonPromiscuous: Bool = true) {
        self.interface = interface
        self.snaplen = snaplen
        self.filter = filter
        self.count = count
        self.nonPromiscuous = nonPromiscuous
    }

    public static let pidPrefix = HelperNames.pidPrefix
    /// The kernel buffer (`-B`, KiB): 8 MiB rides out bursts while the stream is busy (libpcap's 2 MiB drops at 20k pps).
    public static let bufferKiB = 8192

    /// `-Z root`: tcpdump drops privileges after opening the device, by default to a user its
    /// build names (often `tcpdump`), which an image may not have; then it exits at once with
    /// "Couldn't find user". We already run as root in a container of our own: stay root.
    public static let privilegeFlags = ["-Z", "root"]

    public var tcpdumpArguments: [String] {
        var argv = ["tcpdump", "-U", "--immediate-mode", "-w", "-", "-i", interface, "-s", String(snaplen),
                    "-B", String(Self.bufferKiB)] + Self.privilegeFlags
        // `-i any` defaults to SLL2, which older Wireshark cannot read; SLL (v1) it can.
        if interface == "any" { argv += ["-y", "LINUX_SLL"] }
        if nonPromiscuous { argv.append("-p") }
        if let count { argv += ["-c", String(count)] }
        if !filter.isEmpty { argv += ["--"] + filter }
        return argv
    }

    /// `sh -c 'echo aksnet-pid $$ >&2; exec "$@"' aksnet-tcpdump tcpdump …`: the script is
    /// constant; every user string is a positional argument.
    public var argv: [String] {
        ["sh", "-c", "echo \(Self.pidPrefix)$$ >&2; exec \"$@\"", "aksnet-tcpdump"] + tcpdumpArguments
    }

    public static func stopCommand(pid: Int) -> [String] { ["kill", "-INT", String(pid)] }

    /// tcpdump behind socat, for the port-forward transport: socat listens on 127.0.0.1:PORT in
    /// the helper's network namespace and, on the one connection, runs a constant script. Every
    /// value reaches that script through the environment (`env NAME=value` argv), and the script
    /// only expands them quoted, so a user's filter or interface is never parsed by a shell.
    public func socatArgv(port: UInt16) -> [String] {
        var flags: [String] = ["-B", String(Self.bufferKiB)] + Self.privilegeFlags
        if interface == "any" { flags += ["-y", "LINUX_SLL"] }
        if nonPromiscuous { flags.append("-p") }
        if let count { flags += ["-c", String(count)] }
        return ["env", "AKSNET_IF=\(interface)", "AKSNET_SNAPLEN=\(snaplen)", "AKSNET_FLAGS=\(flags.joined(separator: " "))",
                "AKSNET_FILTER=\(Self.excluding(port: port, from: filter))",
                "socat", "-d", "-d", "-U", "-t", "0.1", "TCP-LISTEN:\(port),bind=127.0.0.1,reuseaddr", "SYSTEM:\(Self.socatScript)"]
    }

    /// The user's filter minus our own stream (socat on 127.0.0.1:PORT), which `-i any` or `-i lo`
    /// would otherwise capture, and capture the capture of it.
    static func excluding(port: UInt16, from filter: [String]) -> String {
        let own = "not (host 127.0.0.1 and tcp port \(port))"
        let user = filter.joined(separator: " ")
        return user.trimmingSpaces.isEmpty ? own : "( " + user + " ) and " + own
    }

    /// No commas, colons or `!!` (socat's address syntax); `$AKSNET_FLAGS` holds only our own flags.
    /// tcpdump runs as the script's child, not by `exec`, so that its exit status comes back on
    /// stderr (`aksnet-exit N`): socat's own status does not say whether tcpdump failed.
    /// (An exec'd command is not expanded by the kubelet, unlike a container's command.)
    static let socatScript = "tcpdump -U --immediate-mode -w - -i \"$AKSNET_IF\" -s \"$AKSNET_SNAPLEN\" $AKSNET_FLAGS "
        + "-- \"$AKSNET_FILTER\" & p=$!; echo \(pidPrefix)$p >&2; wait $p; echo \(exitPrefix)$? >&2"

    public static let exitPrefix = HelperNames.exitPrefix
}

/// What tcpdump says on stderr: our PID line, "listening on …", its closing counts, errors.
public struct TcpdumpReport: Equatable, Sendable {
    public var pid: Int?
    /// tcpdump's exit status, when a wrapper reported it (`aksnet-exit N`).
    public var exitStatus: Int32?
    public var listening = false
    /// socat (`-d -d`) said it listens: the port-forward may connect.
    public var socatListening = false
    public var captured: Int?
    public var received: Int?
    public var dropped: Int?
    /// Anything else tcpdump said (a bad filter, a missing interface).
    public var messages: [String] = []
    private var partial: [UInt8] = []

    public init() {}

    public mutating func feed(_ bytes: [UInt8]) {
        partial += bytes
        while let newline = partial.firstIndex(of: 0x0A) {
            let line = String(decoding: partial[..<newline], as: UTF8.self)
            partial.removeSubrange(...newline)
            take(line)
        }
    }

    public mutating func finish() {
        if !partial.isEmpty { take(String(decoding: partial, as: UTF8.self)) }
        partial = []
    }

    mutating func take(_ raw: String) {
        let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
        guard !line.isEmpty else { return }
        if line.hasPrefix(Self.pidPrefixText), let pid = Int(line.dropFirst(Self.pidPrefixText.count)) {
            self.pid = pid
            return
        }
        if line.hasPrefix(TcpdumpInvocation.exitPrefix), let status = Int32(line.dropFirst(TcpdumpInvocation.exitPrefix.count)) {
            exitStatus = status
            return
        }
        if line.hasPrefix("tcpdump: listening on") { listening = true; return }
        // socat's notices (`… socat[PID] N listening on AF=2 127.0.0.1:PORT`); its errors (E) are kept.
        if line.contains("socat["), line.contains("] N ") {
            if line.contains("] N listening on") { socatListening = true }
            return
        }
        let words = line.split(separator: " ")
        if words.count >= 3, let number = Int(words[0]), words[1] == "packets" || words[1] == "packet" {
            let rest = words.dropFirst(2).joined(separator: " ")
            if rest == "captured" { captured = number; return }
            if rest == "received by filter" { received = number; return }
            if rest == "dropped by kernel" { dropped = number; return }
        }
        if line.hasPrefix("tcpdump: data link type") || line.hasPrefix("tcpdump: verbose output suppressed") { return }
        messages.append(line)
    }

    static let pidPrefixText = TcpdumpInvocation.pidPrefix
}
