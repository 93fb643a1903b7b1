import Foundation
import TestSupport
import Testing

/// Every Pod the lab accepted during a test run, checked against the v1.32 schema with
/// `kubernetes-validate --strict`. The run records them with AKSNET_LAB_RECORD_ACCEPTED=DIR;
/// this suite runs afterwards with AKSNET_VALIDATE_ACCEPTED=DIR (see install.sh `run_tests`).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["AKSNET_VALIDATE_ACCEPTED"] != nil))
struct AcceptedPodsValidationTests {
    static let validator: String? = [
        LabFixture.packageRoot.appendingPathComponent(".venv/bin/kubernetes-validate").path,
        "/work/main/.venv/bin/kubernetes-validate",
    ].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test func everyAcceptedPodPassesKubernetesValidateStrict() throws {
        let directory = try #require(ProcessInfo.processInfo.environment["AKSNET_VALIDATE_ACCEPTED"])
        let validator = try #require(Self.validator, "kubernetes-validate is not installed (.venv)")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted().map { directory + "/" + $0 }
        #expect(files.count > 0, "no accepted Pod was recorded in \(directory)")
        var start = 0
        while start < files.count {
            let batch = Array(files[start..<min(start + 100, files.count)])
            start += batch.count
            let result = try Shell.run(validator, ["--strict", "-k", "1.32.0", "--quiet"] + batch, timeout: 300)
            #expect(result.status == 0 && !result.timedOut, "\(result.stdout)\(result.stderr)")
        }
    }
}
