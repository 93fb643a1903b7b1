import ArgumentParser
import Foundation
import KubeModel

/// `kubectl-aksnet-lab serve --dir DIR [--port N]`: the API server in the foreground until SIGTERM/SIGINT.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the lab's API server in the foreground (DIR/pki, DIR/tokens; writes DIR/apiserver.port).")

    @Option(name: .long, help: "The lab directory.")
    var dir: String

    @Option(name: .long, help: "Port on 127.0.0.1 (0 picks a free one).")
    var port: Int = 0

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
    }

    func run() throws {
        // With DIR/lab.json (written by `up`) this is the whole lab, not just the API server.
        let lab = LabDirectory(dir)
        if FileManager.default.fileExists(atPath: lab.config) {
            try LabDaemon.run(lab)
            return
        }
        // Block SIGTERM/SIGINT before any thread exists (threads inherit the mask), then take
        // them with sigwait: no handler runs on a random thread, and a parent's mask does not matter.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        let started = DispatchSemaphore(value: 0)
        let outcome = StartOutcome()
        let directory = dir
        let wanted = port
        Task {
            do {
                outcome.set(.success(try await LabAPIServer.start(directory: directory, port: wanted)))
            } catch {
                outcome.set(.failure(error))
            }
            started.signal()
        }
        started.wait()
        guard case .success(let server)? = outcome.get() else {
            if case .failure(let error)? = outcome.get() { throw error }
            return
        }
        StandardStreams.writeError("aksnet-lab apiserver listening on \(server.url)\n")
        var received: Int32 = 0
        sigwait(&signals, &received)
        let stopped = DispatchSemaphore(value: 0)
        Task {
            await server.shutdown()
            stopped.signal()
        }
        stopped.wait()
    }
}

/// The server, once started (or why not), handed from the start task to the command.
final class StartOutcome: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Result<LabAPIServer, any Error>?

    func set(_ newValue: Result<LabAPIServer, any Error>) { lock.withLock { value = newValue } }
    func get() -> Result<LabAPIServer, any Error>? { lock.withLock { value } }
}
