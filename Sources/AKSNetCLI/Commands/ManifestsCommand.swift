import AKSNet
import ArgumentParser
import KubeModel

/// `kubectl aksnet manifests [--write DIR]`: what each command creates, for review, `kubectl
/// apply` in an air-gapped cluster, or an admin's RBAC.
struct ManifestsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manifests",
        abstract: "Print (or --write DIR) the helper pods each command creates and the RBAC each needs.",
        discussion: """
        Built by the same code the commands use, with placeholder node and pod names \
        (\(HelperManifests.node), \(HelperManifests.pod)). The repository's manifests/ folder is this output.
        """)

    @Option(help: "Write one file per manifest under DIR (folders made as needed) instead of printing them.")
    var write: String?

    func validate() throws {
        if let write, write.isEmpty || write.utf8.count > 4096 || write.contains("\0") {
            throw ValidationError("--write takes a directory path (at most 4096 bytes)")
        }
    }

    func run() throws {
        guard let write else {
            StandardStreams.writeOutput(ManifestWriter.renderAll())
            return
        }
        if let failure = ManifestWriter.write(to: write) { throw CommandFailure("cannot write \(failure)") }
        StandardStreams.writeError("wrote \(HelperManifests.files.count) manifests under \(write)\n")
    }
}
