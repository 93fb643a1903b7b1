import ArgumentParser

/// `kubectl aksnet`: the suite's one binary.
public struct RootCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "kubectl aksnet",
        abstract: "Kubernetes networking on AKS: capture packets, reach nodes, explain the node network.",
        subcommands: [VersionCommand.self, SniffCommand.self, JumpCommand.self, InspectCommand.self, CleanupCommand.self,
                      ManifestsCommand.self, CompletionCommand.self, ExecCommand.self, PortForwardCommand.self])

    public init() {}
}

/// An error already worded for the user; printed as `error: …`, exit 1.
struct CommandFailure: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
