import TestSupport
import Foundation
import KubeClient
import KubeConfig
import KubeModel

/// The Python fake API server (Tests/Fixtures) over real HTTPS, with its
/// certificates and kubeconfigs, for one test. Stopped by PID in `stop()`.
final class FakeAPIServer: @unchecked Sendable {
    static let support = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    let dir: URL
    let process: Background
    let port: Int
    var server: String { "https://127.0.0.1:\(port)" }

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("aksnet-fake-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let certs = try runProcess("/bin/bash", [Self.support.appendingPathComponent("make_certs.sh").path, dir.path])
        guard certs.exitCode == 0 else { throw TestFailure("make_certs.sh failed: \(certs.stderr)") }
        try "admin-token,admin,system:masters\nviewer-token,viewer\n".write(to: dir.appendingPathComponent("tokens"), atomically: true, encoding: .utf8)
        try "alice:wonderland\n".write(to: dir.appendingPathComponent("basic"), atomically: true, encoding: .utf8)
        process = try Background("/usr/bin/env", ["python3", Self.support.appendingPathComponent("fake_apiserver.py").path, "--dir", dir.path])
        let portFile = dir.appendingPathComponent("port")
        var found: Int?
        for _ in 0..<500 {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let p = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                found = p
                break
            }
            usleep(20_000)
        }
        guard let found else {
            process.stop()
            throw TestFailure("fake API server did not start: \(process.errors)")
        }
        port = found
    }

    func stop() {
        process.stop()
        try? FileManager.default.removeItem(at: dir)
    }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// A kubeconfig file in the server's folder; `user` is the YAML of the user entry.
    func writeKubeconfig(_ name: String = "kubeconfig", user: String, cluster: String? = nil) throws -> String {
        let clusterYAML = cluster ?? "    server: \(server)\n    certificate-authority: ca.crt\n"
        let text = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: fake
          cluster:
        \(clusterYAML)users:
        - name: u
          user:
        \(user)contexts:
        - name: fake
          context: {cluster: fake, user: u, namespace: default}
        current-context: fake

        """
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func client(kubeconfig: String, overrides: ConfigOverrides = ConfigOverrides(),
                env: [String: String] = [:]) throws -> KubeClient {
        var o = overrides
        o.kubeconfig = kubeconfig
        var variables = ProcessInfo.processInfo.environment
        variables.merge(env) { $1 }
        let environment = KubeConfig.Environment(variables: variables, cwd: FileManager.default.currentDirectoryPath)
        let config = try ConfigResolver(overrides: o, environment: environment).resolve()
        return KubeClient(transport: CurlTransport(config: config, environment: variables,
                                                   retry: RetryPolicy(baseDelay: 0.05, maxDelay: 0.2)))
    }

    /// An admin client (client certificate from files).
    func adminClient() throws -> KubeClient {
        try client(kubeconfig: writeKubeconfig("admin.kubeconfig", user: "    client-certificate: admin.crt\n    client-key: admin.key\n"))
    }

    // MARK: control endpoints

    func debug(_ method: String, _ path: String, _ body: JSONValue? = nil) throws -> JSONValue {
        let control = try adminClient()
        let request = HTTPRequest(method: method, path: path, body: body.map { Array($0.serialized().utf8) },
                                  contentType: body == nil ? nil : "application/json")
        return try control.json(request)
    }

    func requests() throws -> [JSONValue] { try debug("GET", "/debug/requests").arrayValue ?? [] }
    func clearRequests() throws { _ = try debug("DELETE", "/debug/requests") }
    func fault(_ spec: JSONValue) throws { _ = try debug("POST", "/debug/faults", spec) }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The built plugin binary, next to the test bundle.
var pluginBinary: String {
    let candidates = [
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kubectl-aksnet"),
        Bundle.main.bundleURL.appendingPathComponent("kubectl-aksnet"),
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/kubectl-aksnet"),
    ]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }?.path ?? candidates[2].path
}
