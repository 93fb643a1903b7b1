import ArgumentParser
import KubeModel
#if canImport(Glibc)
import Glibc
#endif

/// The shared main: multi-call dispatch on argv[0], kubectl's exit codes
/// (0 ok, 1 failure, 2 usage), and errors as one `error: …` line.
public enum Entry {
    /// What an invocation ends with when it does not get to run: its exit code and what it writes.
    public struct Finished: Equatable, Sendable {
        public let code: Int32
        public let stdout: String
        public let stderr: String
    }

    public static func main(_ argv: [String]) -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        // A parent (a test runner's thread, a CI harness) may hand down a mask
        // that blocks these; we rely on them for cleanup and terminal resize.
        var wanted = sigset_t()
        sigemptyset(&wanted)
        for signo in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH] { sigaddset(&wanted, signo) }
        pthread_sigmask(SIG_UNBLOCK, &wanted, nil)
        // kubectl's plugin completion (kubectl_complete-aksnet): cobra's `__complete WORD… PARTIAL`.
        if let words = completionWords(argv) {
            StandardStreams.writeOutput(CompletionRun.answer(words).text)
            return 0
        }
        let finished: Finished
        switch parse(argv) {
        case .finished(let early):
            finished = early
        case .run(var command):
            do {
                try command.run()
                return 0
            } catch {
                finished = finish(error)
            }
        }
        if !finished.stdout.isEmpty { StandardStreams.writeOutput(finished.stdout) }
        if !finished.stderr.isEmpty { StandardStreams.writeError(finished.stderr) }
        return finished.code
    }

    /// Parsing and `validate()` alone, never `run()`: nil when the command would run, else how
    /// it ends (help, or a usage error). Tests and the argv fuzz drive this in-process.
    public static func check(_ argv: [String]) -> Finished? {
        if case .finished(let early) = parse(argv) { return early }
        return nil
    }

    enum Parsed {
        case run(any ParsableCommand)
        case finished(Finished)
    }

    /// The words after `__complete` (with the command a `kubectl-aksnet-CMD` link stands for first), or nil.
    static func completionWords(_ argv: [String]) -> [String]? {
        let invokedAs = argv.first.map { String($0.split(separator: "/").last ?? "") } ?? ""
        guard argv.count > 1, argv[1] == "__complete" else { return nil }
        let words = Array(argv.dropFirst(2))
        return invokedAs.hasPrefix("kubectl-aksnet-") ? [String(invokedAs.dropFirst("kubectl-aksnet-".count))] + words : words
    }

    static func parse(_ argv: [String]) -> Parsed {
        var arguments = Array(argv.dropFirst())
        let invokedAs = argv.first.map { String($0.split(separator: "/").last ?? "") } ?? ""
        if invokedAs.hasPrefix("kubectl-aksnet-") {
            // kubectl-aksnet-sniff … runs as kubectl-aksnet sniff …
            arguments.insert(String(invokedAs.dropFirst("kubectl-aksnet-".count)), at: 0)
        }
        arguments = ArgumentNormalizer.normalize(arguments)
        do {
            return .run(try RootCommand.parseAsRoot(arguments))
        } catch {
            return .finished(finish(error))
        }
    }

    static func finish(_ error: any Error) -> Finished {
        if let failure = error as? CommandFailure {
            let message = failure.message.hasPrefix("Error from server") || failure.message.hasPrefix("Unable to connect")
                ? failure.message : "error: " + failure.message
            return Finished(code: 1, stdout: "", stderr: message + "\n")
        }
        // A remote command's exit code (exec) passes through unchanged.
        if let exit = error as? ExitCode { return Finished(code: exit.rawValue, stdout: "", stderr: "") }
        let code = RootCommand.exitCode(for: error)
        if code == .success {
            let message = RootCommand.fullMessage(for: error)
            return Finished(code: 0, stdout: message.isEmpty ? "" : message + "\n", stderr: "")
        }
        if code == .validationFailure {
            // Usage problems are exit 2, as kubectl's, on one line.
            return Finished(code: 2, stdout: "", stderr: UsageLine.render(RootCommand.message(for: error)) + "\n")
        }
        // Anything else thrown is a failure.
        let message = RootCommand.fullMessage(for: error)
        return Finished(code: 1, stdout: "", stderr: message.isEmpty ? "" : message + "\n")
    }
}
