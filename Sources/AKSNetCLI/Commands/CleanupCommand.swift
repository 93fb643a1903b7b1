import AKSNet
import ArgumentParser
import KubeClient
import KubeModel

/// `kubectl aksnet cleanup [-A] [--older-than D] [--dry-run]`: deletes helpers any aksnet
/// command left (found by the managed-by label).
struct CleanupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanup",
        abstract: "Delete helper pods aksnet commands left behind (label app.kubernetes.io/managed-by=kubectl-aksnet), and end their ephemeral containers still running (those cannot be deleted).")

    @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "Every namespace (default: the current one and aksnet-system).")
    var allNamespaces = false

    @Option(name: .customLong("older-than"), help: "Only helpers older than this (e.g. 10m, 1h).")
    var olderThan: String?

    @Flag(name: .customLong("dry-run"), help: "Only list what would be deleted.")
    var dryRun = false

    @OptionGroup var kube: KubeFlags

    func validate() throws {
        if let olderThan, Durations.parse(olderThan) == nil { throw ValidationError("--older-than takes a duration like 10m or 1h, at most 292 years (Go's longest)") }
    }

    func run() throws {
        let client: KubeClient
        do { client = try kube.makeClient() } catch { throw CommandFailure(error.description) }
        let report: Cleanup.Report
        do {
            report = try Cleanup(client: client).run(scope: allNamespaces ? .allNamespaces : .current(client.config.namespace),
                                                     olderThan: olderThan.flatMap(Durations.parse), dryRun: dryRun)
        } catch { throw CommandFailure(error.description) }
        if report.isEmpty {
            StandardStreams.writeError("No aksnet helpers found.\n")
            return
        }
        for entry in report.entries {
            let age = entry.age.map { " (age \(Durations.shortAge($0)))" } ?? ""
            let verb = entry.action == .stopContainer ? "stopped" : "deleted"
            switch entry.result {
            case .done: StandardStreams.writeOutput("\(entry.subject) \(verb)\(age)\n")
            case .dryRun: StandardStreams.writeOutput("\(entry.subject) would be \(verb)\(age) (dry run)\n")
            case .failed(let message): StandardStreams.writeError("error: \(entry.subject): \(message)\n")
            }
        }
        if report.failed { throw ExitCode(1) }
    }
}
