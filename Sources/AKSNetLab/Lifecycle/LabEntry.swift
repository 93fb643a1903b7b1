import ArgumentParser
import KubeModel

/// `kubectl-aksnet-lab up|down|status --dir DIR …`
public enum LabEntry {
    public static func main(_ argv: [String]) -> Int32 {
        do {
            var command = try LabCommand.parseAsRoot(Array(argv.dropFirst()))
            try command.run()
            return 0
        } catch let exit as ExitCode {
            return exit.rawValue
        } catch let failure as LabError {
            StandardStreams.writeError("error: \(failure.description)\n")
            return 1
        } catch {
            let code = LabCommand.exitCode(for: error)
            let message = LabCommand.fullMessage(for: error)
            if !message.isEmpty {
                if code == .success { StandardStreams.writeOutput(message + "\n") } else { StandardStreams.writeError(message + "\n") }
            }
            if code == .success { return 0 }
            return code == .validationFailure ? 2 : 1
        }
    }
}

struct LabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kubectl-aksnet-lab",
        abstract: "An emulated AKS cluster on this machine: nodes and pods in network namespaces, an HTTPS API server.",
        subcommands: [UpCommand.self, DownCommand.self, StatusCommand.self, FaultCommand.self, ServeCommand.self])
}
