/// The local ssh invocation of `jump NODE` (pure: table-tested).
public struct SSHCommandLine: Sendable, Equatable {
    public var node: String
    public var localPort: UInt16
    public var user: String = "azureuser"
    public var identity: String?
    /// `-o` options passed through as given (never StrictHostKeyChecking=no from us).
    public var options: [String] = []
    public var command: [String] = []

    public init(node: String, localPort: UInt16) {
        self.node = node
        self.localPort = localPort
    }

    /// `ssh -p PORT -o HostKeyAlias=NODE -l USER [-i KEY] [-o …] 127.0.0.1 [-- 'word' 'word' …]`.
    /// HostKeyAlias makes known_hosts name the node, not 127.0.0.1:<changing port>. The remote
    /// command's words are each quoted for the remote shell: ssh joins its arguments with spaces,
    /// and quoting keeps `-- sh -c 'exit 7'` three words there, as `--shell` and kubectl exec run them.
    public var argv: [String] {
        var out = ["ssh", "-p", String(localPort), "-o", "HostKeyAlias=\(node)", "-l", user]
        if let identity { out += ["-i", identity] }
        for option in options { out += ["-o", option] }
        out.append("127.0.0.1")
        if !command.isEmpty { out += ["--", command.map(Self.quote).joined(separator: " ")] }
        return out
    }

    /// POSIX shell single quoting: 'it'\''s'.
    public static func quote(_ word: String) -> String {
        if !word.isEmpty && word.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_./=:@,+%".contains($0)) }) { return word }
        return "'" + word.replacingAll("'", with: "'\\''") + "'"
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for character in self { if character == target { out += replacement } else { out.append(character) } }
        return out
    }
}
