import Foundation
import TestSupport

/// Paths and process helpers shared by the kubeconfig tests.
enum TestPaths {
    static let repoRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let oracleCases: URL = repoRoot.appendingPathComponent("Tests/KubeConfigTests/Fixtures/oracle")

    /// kubectl 1.32 (the version the lab reports) when the dispatcher's folder has it, else kubectl on PATH.
    static let kubectl: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent("kubectl")
            guard FileManager.default.isExecutableFile(atPath: candidate.path) else { continue }
            let real = candidate.resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("kubectl.1.32")
            if FileManager.default.isExecutableFile(atPath: real.path) { return real.path }
            return candidate.path
        }
        return nil
    }()

    static func temporaryDirectory(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        ScratchDirectories.register(url.path)
        return url
    }
}
