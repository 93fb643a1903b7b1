import ArgumentParser
import KubeModel
#if canImport(Glibc)
import Glibc
#endif

/// The shared main: multi-call dispatch on argv[0], kubectl's exit codes
/// (0 ok, 1 failure, 2 usage), and errors as one `error: …` line.
public enum Entry {
    public static func main(_ argv: [String]) -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        // A parent (a test runner's thread, a CI harness) may hand down a mask
        // that blocks these; we rely on them for cleanup and terminal resize.
        var wanted = sigset_t()
        sigemptyset(&wanted)
        for signo in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH] { sigaddset(&wanted, signo) }
        pthread_sigmask(SIG_UNBLOCK, &wanted, nil)
        var arguments = Array(argv.dropFirst())
        let invokedAs = argv.first.map { String($0.split(separator: "/").last ?? "") } ?? ""
        if invokedAs.hasPrefix("kubectl-aksnet-") {
            // kubectl-aksnet-sniff … runs as kubectl-aksnet sniff …
            arguments.insert(String(invokedAs.dropFirst("kubectl-aksnet-".count)), at: 0)
        }
        arguments = ArgumentNormalizer.normalize(arguments)
        do {
            var command = try RootCommand.parseAsRoot(arguments)
            try command.run()
            return 0
        } catch let failure as CommandFailure {
            StandardStreams.writeError(failure.message.hasPrefix("Error from server") || failure.message.hasPrefix("Unable to connect")
                ? failure.message + "\n" : "error: " + failure.message + "\n")
            return 1
        } catch let exit as ExitCode {
            // A remote command's exit code (exec) passes through unchanged.
            return exit.rawValue
        } catch {
            let code = RootCommand.exitCode(for: error)
            let message = RootCommand.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { StandardStreams.writeOutput(message + "\n") }
                return 0
            }
            if !message.isEmpty { StandardStreams.writeError(message + "\n") }
            // Usage problems are exit 2, as kubectl's; anything else thrown is a failure.
            return code == .validationFailure ? 2 : 1
        }
    }
}
