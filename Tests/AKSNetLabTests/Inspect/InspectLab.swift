import Foundation
import TestSupport
import Testing

/// A lab for `kubectl aksnet inspect`: the real plugin binary against it, and the evidence of
/// a run read back from its `--bundle` (evidence.json, the collection's stable shape).
struct InspectLab {
    let cluster: LabCluster
    var dir: String { cluster.dir }
    static let managed = "app.kubernetes.io/managed-by=kubectl-aksnet"

    init(_ arguments: [String]) throws {
        cluster = try LabCluster(arguments)
    }

    func down() { cluster.down() }

    func inspect(_ args: [String], environment: [String: String]? = nil, timeout: Double = 180) throws -> ProcessResult {
        try Shell.run(PluginOnLabTests.plugin, ["inspect", "--kubeconfig", cluster.kubeconfig] + args,
                      environment: environment, timeout: timeout)
    }

    func lab(_ args: [String]) throws -> ProcessResult {
        try Shell.run(LifecycleTests.labBinary, args, timeout: 60)
    }

    /// evidence.json of a bundle, as a dictionary.
    static func evidence(_ bundle: String) throws -> [String: Any] {
        let json = try Shell.run("/bin/tar", ["-xzOf", bundle, "evidence.json"]).stdout
        return try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    static func nodes(_ evidence: [String: Any]) -> [[String: Any]] { evidence["nodes"] as? [[String: Any]] ?? [] }

    static func node(_ evidence: [String: Any], _ name: String) -> [String: Any]? {
        nodes(evidence).first { $0["node"] as? String == name }
    }

    /// The output of run `id` on `node`.
    static func output(_ evidence: [String: Any], _ node: String, _ id: String) -> String? {
        run(evidence, node, id)?["output"] as? String
    }

    static func run(_ evidence: [String: Any], _ node: String, _ id: String) -> [String: Any]? {
        (self.node(evidence, node)?["runs"] as? [[String: Any]])?.first { $0["id"] as? String == id }
    }

    /// Findings of a JSON report (`findings[]` with `id`, `severity`, `nodes`), whatever else it holds.
    static func findings(_ reportJSON: String) -> [[String: Any]] {
        let report = (try? JSONSerialization.jsonObject(with: Data(reportJSON.utf8))) as? [String: Any]
        return report?["findings"] as? [[String: Any]] ?? []
    }

    /// `cluster.FIELD` of a JSON report.
    static func clusterFact(_ reportJSON: String, _ field: String) -> String? {
        let report = (try? JSONSerialization.jsonObject(with: Data(reportJSON.utf8))) as? [String: Any]
        return (report?["cluster"] as? [String: Any])?[field] as? String
    }

    func managedPods() throws -> String { try cluster.waitNoManaged("pods,daemonsets", timeout: 0) }

    func waitNoManagedPods(timeout: Double = 15) throws -> String { try cluster.waitNoManaged("pods,daemonsets", timeout: timeout) }
}
