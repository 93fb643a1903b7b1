/// What completion knows of the command line: each command's flags and what their values are.
/// Kept beside the commands and checked against argument-parser's own help by a test
/// (CompletionModelTests), so a flag added to a command and forgotten here fails the build's tests.
public enum CompletionValue: Sendable, Equatable {
    /// A switch: takes no value.
    case none
    /// Free text (a filter, a duration): nothing to offer, no file names either.
    case free
    /// One of these words.
    case choices([String])
    /// A file name: the shell's own file completion.
    case file
    /// A directory name.
    case directory
    case pods, nodes, namespaces, contexts, clusters, users
}

public struct CompletionFlag: Sendable, Equatable {
    /// Without the dashes; "" when the flag has only a short form (jump's `-o`).
    public let long: String
    public let short: Character?
    public let value: CompletionValue

    init(_ long: String, _ short: Character? = nil, _ value: CompletionValue = .free) {
        self.long = long
        self.short = short
        self.value = value
    }

    var takesValue: Bool { value != .none }
}

/// What a command's positional arguments are.
public enum CompletionPositional: Sendable, Equatable {
    /// Sniff targets: POD, pod/NAME, node/NAME, deploy/NAME (any number).
    case sniffTargets
    /// One node, then nothing.
    case node
    /// node/NAME, any number (inspect).
    case nodeTargets
    /// One pod, then nothing.
    case pod
    case choices([String])
    case nothing
}

public struct CompletionCommandSpec: Sendable {
    public let name: String
    public let summary: String
    public let flags: [CompletionFlag]
    public let positional: CompletionPositional
    /// Shown in the first word's candidates (exec and port-forward are there for tests and benchmarks).
    public let listed: Bool
}

public enum CompletionModel {
    /// kubectl's standard flags every command takes (KubeFlags).
    static let kubeFlags: [CompletionFlag] = [
        .init("kubeconfig", nil, .file), .init("context", nil, .contexts), .init("cluster", nil, .clusters),
        .init("user", nil, .users), .init("namespace", "n", .namespaces), .init("server", "s"), .init("token"),
        .init("certificate-authority", nil, .file), .init("insecure-skip-tls-verify", nil, .none),
        .init("tls-server-name"), .init("as"), .init("as-group"), .init("as-uid"), .init("request-timeout"),
        .init("v", "v"), .init("help", "h", .none),
    ]

    public static let shells = ["bash", "zsh", "fish"]

    /// The specs of the commands this build has (RootCommand's subcommands); CompleterTests checks
    /// each against its command's help.
    public static var commands: [CompletionCommandSpec] {
        let names = Set(RootCommand.configuration.subcommands.map { $0.configuration.commandName ?? "" })
        return specs.filter { names.contains($0.name) }
    }

    static let specs: [CompletionCommandSpec] = [
        .init(name: "sniff", summary: "Capture packets on pods or nodes", flags: [
            .init("selector", "l"), .init("all-namespaces", "A", .none), .init("container", "c"), .init("filter", "f"),
            .init("interface", "i"), .init("output", "o", .file), .init("wireshark", nil, .none),
            .init("mode", nil, .choices(["auto", "ephemeral", "node"])),
            .init("transport", nil, .choices(["auto", "port-forward", "exec"])),
            .init("duration"), .init("count"), .init("max-size"), .init("snaplen"), .init("image"), .init("image-pull-secret"),
            .init("keep", nil, .none), .init("capture-own-stream", nil, .none), .init("quiet", "q", .none),
        ] + kubeFlags, positional: .sniffTargets, listed: true),
        .init(name: "jump", summary: "SSH, scp or a root shell on a node through a short-lived pod", flags: [
            .init("stdio", nil, .none), .init("shell", nil, .none), .init("print-ssh-config", nil, .none),
            .init("profile", nil, .choices(["sysadmin", "netadmin", "general"])), .init("ssh-user", "l"),
            .init("identity", "i", .file), .init("", "o"), .init("local-port"), .init("image"), .init("image-pull-secret"),
            .init("deadline"), .init("windows-image"), .init("pod-running-timeout"),
        ] + kubeFlags, positional: .node, listed: true),
        .init(name: "inspect", summary: "Explain each node's network, with findings", flags: [
            .init("all-nodes", nil, .none), .init("selector", "l"), .init("output", "o", .choices(["text", "json", "markdown", "html"])),
            .init("output-file", nil, .file), .init("bundle", nil, .file), .init("from", nil, .file), .init("diff", nil, .file),
            .init("concurrency"), .init("daemonset-threshold"), .init("image"), .init("image-pull-secret"), .init("quiet", "q", .none),
        ] + kubeFlags, positional: .nodeTargets, listed: true),
        .init(name: "cleanup", summary: "Delete helper pods aksnet commands left behind", flags: [
            .init("all-namespaces", "A", .none), .init("older-than"), .init("dry-run", nil, .none),
        ] + kubeFlags, positional: .nothing, listed: true),
        .init(name: "version", summary: "Print the client and server versions", flags: [
            .init("client", nil, .none), .init("output", "o", .choices(["json", "yaml"])),
        ] + kubeFlags, positional: .nothing, listed: true),
        .init(name: "manifests", summary: "Print or write the helper pod manifests each command creates", flags: [
            .init("write", nil, .directory), .init("help", "h", .none),
        ], positional: .nothing, listed: true),
        .init(name: "completion", summary: "Print a shell completion script (bash, zsh, fish)", flags: [.init("help", "h", .none)],
              positional: .choices(shells), listed: true),
        .init(name: "exec", summary: "Run a command in a pod (kubectl exec's wire, for tests)", flags: [
            .init("container", "c"), .init("stdin", "i", .none), .init("tty", "t", .none), .init("attach", nil, .none),
        ] + kubeFlags, positional: .pod, listed: false),
        .init(name: "port-forward", summary: "Forward a local port to a pod (for tests)", flags: kubeFlags,
              positional: .pod, listed: false),
    ]

    public static func command(_ name: String) -> CompletionCommandSpec? { commands.first { $0.name == name } }
}
