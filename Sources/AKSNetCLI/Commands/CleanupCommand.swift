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
        let cleanup = Cleanup(client: client)
        var namespaces: [String]?
        if !allNamespaces {
            namespaces = [client.config.namespace]
            if client.config.namespace != HelperLabels.namespace { namespaces?.append(HelperLabels.namespace) }
        }
        let found: [Cleanup.Leftover]
        let ephemeral: [Cleanup.RunningEphemeral]
        let olderThanSeconds = olderThan.flatMap(Durations.parse)
        do {
            found = try cleanup.find(namespaces: namespaces, olderThan: olderThanSeconds, now: WallClock.now)
            ephemeral = try cleanup.findEphemeral(namespaces: namespaces, olderThan: olderThanSeconds, now: WallClock.now)
        } catch { throw CommandFailure(error.description) }
        if found.isEmpty && ephemeral.isEmpty {
            StandardStreams.writeError("No aksnet helpers found.\n")
            return
        }
        var failed = false
        for leftover in found {
            let age = leftover.age.map { " (age \(Durations.shortAge($0)))" } ?? ""
            if dryRun {
                StandardStreams.writeOutput("pod/\(leftover.name) in \(leftover.namespace) would be deleted\(age) (dry run)\n")
                continue
            }
            do {
                try cleanup.delete(leftover)
                StandardStreams.writeOutput("pod/\(leftover.name) in \(leftover.namespace) deleted\(age)\n")
            } catch {
                StandardStreams.writeError("error: pod/\(leftover.name) in \(leftover.namespace): \(error.description)\n")
                failed = true
            }
        }
        for entry in ephemeral {
            let age = entry.age.map { " (age \(Durations.shortAge($0)))" } ?? ""
            let what = "ephemeral container \(entry.container) of pod/\(entry.pod) in \(entry.namespace)"
            if dryRun {
                StandardStreams.writeOutput("\(what) would be stopped\(age) (dry run)\n")
                continue
            }
            do {
                try cleanup.stop(entry)
                StandardStreams.writeOutput("\(what) stopped\(age)\n")
            } catch {
                StandardStreams.writeError("error: \(what): \(error.description)\n")
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}
