@testable import AKSNet
import Foundation
import KubeModel

/// Reads what `Fixtures/capture-lab.sh` captured from a running lab into `ClusterEvidence`:
/// `api/<key with / as _>.json` and `nodes/<node>/<run id>` (+ `<run id>.rc`).
enum CapturedLab {
    static func evidence(_ directory: URL) throws -> ClusterEvidence {
        let files = FileManager.default
        var api: [String: JSONValue] = [:]
        for key in [APIEvidenceKeys.nodes, APIEvidenceKeys.services, APIEvidenceKeys.endpointSlices,
                    APIEvidenceKeys.kubeSystemDaemonSets, APIEvidenceKeys.kubeSystemConfigMaps] {
            let name = "api/\(key.replacingOccurrences(of: "/", with: "_")).json"
            // A fixture set shares one api/ beside its scenarios.
            let paths = [directory.appendingPathComponent(name).path, directory.deletingLastPathComponent().appendingPathComponent(name).path]
            if let data = paths.lazy.compactMap(files.contents(atPath:)).first { api[key] = try JSONValue.parse(Array(data)) }
        }
        var nodes: [NodeEvidence] = []
        let nodeDirectory = directory.appendingPathComponent("nodes")
        for node in try files.contentsOfDirectory(atPath: nodeDirectory.path).sorted() {
            let dir = nodeDirectory.appendingPathComponent(node)
            var runs: [CommandRun] = []
            for id in try files.contentsOfDirectory(atPath: dir.path).sorted() where !id.hasSuffix(".rc") {
                let output = (try? String(contentsOf: dir.appendingPathComponent(id), encoding: .utf8)) ?? ""
                let rc = (try? String(contentsOf: dir.appendingPathComponent(id + ".rc"), encoding: .utf8))
                    .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
                runs.append(CommandRun(id: id, argv: [id], exitCode: rc, durationMs: 0, output: output))
            }
            nodes.append(NodeEvidence(node: node, collected: true, runs: runs))
        }
        return ClusterEvidence(collectedAt: "captured", api: api, nodes: nodes)
    }
}
