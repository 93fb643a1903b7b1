import KubeClient

/// Jump's errors, one line each, saying what works instead.
public enum JumpError: Error, CustomStringConvertible, Sendable {
    case usage(String)
    case unknownNode(String, known: [String])
    case notReady(node: String, reason: String)
    case windowsProfile(node: String, profile: String)
    case noLinuxNode(String)
    case sshRefused(node: String, ip: String, port: UInt16, windows: Bool = false)
    case sshMissing
    case stream(String)
    case session(SessionError)

    public var description: String {
        switch self {
        case .usage(let message), .stream(let message): return message
        case .unknownNode(let node, let known):
            let list = known.prefix(8).joined(separator: ", ")
            return "node \"\(node)\" not found (neither a node name nor an InternalIP)" + (known.isEmpty ? "" : "; nodes: \(list)")
        case .notReady(let node, let reason):
            return "node \(node) is not Ready (\(reason)): its kubelet cannot run the jump pod"
        case .windowsProfile(let node, let profile):
            return "node \(node) is a Windows node: its --shell is a HostProcess container running as NT AUTHORITY\\SYSTEM; "
                + "--profile \(profile) applies to Linux nodes only"
        case .noLinuxNode(let node):
            return "no Ready Linux node to run the relay for \(node) on"
        case .sshRefused(let node, let ip, let port, let windows):
            guard port == 22 else { return "node \(node) (\(ip)) does not accept connections on port \(port)" }
            return "node \(node) (\(ip)) does not accept SSH on port 22: SSH may be disabled on this node pool "
                + "(az aks nodepool update --ssh-access …)" + (windows ? " or the Windows node runs no OpenSSH server" : "; use --shell")
        case .sshMissing:
            return "ssh not found on PATH: install the openssh-client package (apt-get install openssh-client), or use --stdio as a ProxyCommand"
        case .session(let error):
            // RBAC's explanation goes on the same line: one clear line per error.
            if case .rbac = error { return error.description.replacingAll("\n", with: "").replacingSpaces() }
            return error.description
        }
    }
}

extension String {
    /// Collapses the indentation a multi-line message leaves after its newlines were removed.
    func replacingSpaces() -> String {
        var out = ""
        var lastWasSpace = false
        for character in self {
            if character == " " { if !lastWasSpace { out.append(character) }; lastWasSpace = true } else { out.append(character); lastWasSpace = false }
        }
        return out
    }
}
