import ArgumentParser
import KubeModel

/// `kubectl-aksnet-lab up|down|status --dir DIR …`
public enum LabEntry {
    public static func main(_ argv: [String]) -> Int32 {
        let command: any ParsableCommand
        do {
            command = try LabCommand.parseAsRoot(Array(argv.dropFirst()))
        } catch {
            return finish(error)
        }
        do {
            var running = command
            try running.run()
            return 0
        } catch {
            return finish(error)
        }
    }

    /// Parsing and `validate()` alone, never `run()`: nil when the command would run, else its
    /// exit code and the one line it writes to stderr. The argv fuzz drives this in-process.
    public static func check(_ argv: [String]) -> (code: Int32, stderr: String)? {
        do {
            _ = try LabCommand.parseAsRoot(Array(argv.dropFirst()))
            return nil
        } catch {
            let code = LabCommand.exitCode(for: error)
            if code == .success { return (0, "") }
            return code == .validationFailure ? (2, UsageLine.render(LabCommand.message(for: error)) + "\n") : (1, LabCommand.fullMessage(for: error))
        }
    }

    private static func finish(_ error: any Error) -> Int32 {
        if let exit = error as? ExitCode { return exit.rawValue }
        if let failure = error as? LabError {
            StandardStreams.writeError("error: \(failure.description)\n")
            return 1
        }
        let code = LabCommand.exitCode(for: error)
        if code == .success {
            let message = LabCommand.fullMessage(for: error)
            if !message.isEmpty { StandardStreams.writeOutput(message + "\n") }
            return 0
        }
        if code == .validationFailure {
            // Usage problems are exit 2, on one line (the usage text is --help's).
            StandardStreams.writeError(UsageLine.render(LabCommand.message(for: error)) + "\n")
            return 2
        }
        let message = LabCommand.fullMessage(for: error)
        if !message.isEmpty { StandardStreams.writeError(message + "\n") }
        return 1
    }
}

struct LabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kubectl-aksnet-lab",
        abstract: "An emulated AKS cluster on this machine: nodes and pods in network namespaces, an HTTPS API server.",
        subcommands: [UpCommand.self, DownCommand.self, StatusCommand.self, FaultCommand.self, ServeCommand.self])
}
