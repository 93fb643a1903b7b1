import TestSupport
import Foundation
import KubeConfig
import KubeModel
import Testing

/// What KubeConfig resolves must equal `kubectl config view --minify --raw|--flatten -o json`
/// for the same files, environment and flags (Fixtures/oracle, one folder a case).
struct OracleTests {
    struct Case: Decodable {
        var description: String
        var env: [String]?
        var kubeconfig: String?
        var home: Bool?
        var context: String?
        var flatten: Bool?
    }

    static let caseNames: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: TestPaths.oracleCases.path)) ?? []
        return names.filter { $0.first?.isNumber == true }.sorted()
    }()

    @Test func thereAreAtLeastThirtyCases() {
        #expect(Self.caseNames.count >= 30)
    }

    @Test(arguments: caseNames)
    func matchesKubectl(_ name: String) throws {
        let kubectl = try #require(TestPaths.kubectl, "kubectl is needed as the oracle (install.sh installs it)")
        let source = TestPaths.oracleCases.appendingPathComponent(name)
        let spec = try JSONDecoder().decode(Case.self, from: Data(contentsOf: source.appendingPathComponent("case.json")))
        let tmp = try TestPaths.temporaryDirectory("oracle")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let work = tmp.appendingPathComponent("case")
        try FileManager.default.copyItem(at: source, to: work)
        let emptyHome = tmp.appendingPathComponent("emptyhome")
        try FileManager.default.createDirectory(at: emptyHome, withIntermediateDirectories: true)

        var env: [String: String] = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        env["HOME"] = spec.home == true ? work.appendingPathComponent("home").path : emptyHome.path
        if let entries = spec.env, spec.home != true {
            env["KUBECONFIG"] = entries.map { $0.isEmpty ? "" : work.appendingPathComponent($0).path }.joined(separator: ":")
        }
        var args = ["config", "view", "--minify", spec.flatten == true ? "--flatten" : "--raw", "-o", "json"]
        let explicit = spec.kubeconfig.map { work.appendingPathComponent($0).path }
        if let explicit { args += ["--kubeconfig", explicit] }
        if let context = spec.context { args += ["--context", context] }
        let theirs = try runProcess(kubectl, args, environment: env, cwd: work.path)

        let ours = Result { () throws -> JSONValue in
            let loader = KubeconfigLoader(explicitPath: explicit, environment: Environment(variables: env, cwd: work.path))
            var config = try loader.load().config.minified(context: spec.context)
            if spec.flatten == true { config = try config.flattened() }
            return config.viewJSON
        }
        switch ours {
        case .success(let json):
            #expect(theirs.exitCode == 0, "\(name): kubectl failed (\(theirs.stderr.prefix(200))) but we produced \(json.serialized())")
            if theirs.exitCode == 0 {
                let expected = try JSONValue.parse(theirs.stdout)
                let same = json.sameJSON(as: expected)
                #expect(same, "\(name): \(spec.description)\nours:   \(json.serialized())\nkubectl: \(expected.serialized())")
            }
        case .failure(let error):
            #expect(theirs.exitCode != 0, "\(name): we failed with \(error) but kubectl printed \(theirs.stdout.prefix(300))")
        }
    }
}
