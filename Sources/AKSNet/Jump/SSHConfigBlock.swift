/// `jump --print-ssh-config`: a `Host` block for ~/.ssh/config (pure: table-tested). ssh then
/// reaches every node by name through `jump --stdio` with AKS's default user. No HostKeyAlias:
/// ssh does not expand `%h` there (OpenSSH 9 took `HostKeyAlias %h` literally and found no key),
/// and with a ProxyCommand it already files the host key under the name typed, the node's name.
public struct SSHConfigBlock: Sendable, Equatable {
    public var context: String
    public var kubeconfig: String?
    public var nodes: [String]
    public var user: String = "azureuser"
    public var identity: String?

    public init(context: String, kubeconfig: String? = nil, nodes: [String]) {
        self.context = context
        self.kubeconfig = kubeconfig
        self.nodes = nodes
    }

    /// The ProxyCommand's words are quoted for the shell ssh runs it with.
    public var text: String {
        var proxy = ["kubectl", "aksnet", "jump"]
        if let kubeconfig { proxy += ["--kubeconfig", SSHCommandLine.quote(kubeconfig)] }
        if !context.isEmpty { proxy += ["--context", SSHCommandLine.quote(context)] }
        proxy += ["--stdio", "%h"]
        var lines = ["# kubectl aksnet jump: the nodes of context \(context.isEmpty ? "(current)" : context), through a relay pod each",
                     "Host " + nodes.joined(separator: " "),
                     "    ProxyCommand " + proxy.joined(separator: " "),
                     "    User \(user)"]
        if let identity { lines.append("    IdentityFile \(identity)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
