import ArgumentParser
import KubeModel

/// `kubectl aksnet completion bash|zsh|fish`: a script for `kubectl-aksnet` typed directly.
/// (`kubectl aksnet …` completes through kubectl and `kubectl_complete-aksnet`.)
struct CompletionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "completion",
        abstract: "Print a shell completion script for kubectl-aksnet (bash, zsh or fish).",
        discussion: """
        Through kubectl, completion needs no script: kubectl (1.26+) asks `kubectl_complete-aksnet` on PATH, \
        which install.sh puts there. For kubectl-aksnet typed directly:
          source <(kubectl-aksnet completion bash)
          source <(kubectl-aksnet completion zsh)
          kubectl-aksnet completion fish | source
        """)

    @Argument(help: "bash, zsh or fish.")
    var shell: String

    func validate() throws {
        if ShellScripts.script(for: shell) == nil { throw ValidationError("the shell must be bash, zsh or fish") }
    }

    func run() throws {
        StandardStreams.writeOutput(ShellScripts.script(for: shell) ?? "")
    }
}
