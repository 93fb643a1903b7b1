import TestSupport
import Foundation
import KubeModel
import Testing

/// The same kubeconfig and flags given to kubectl (`get --raw /version`) and
/// to us (`version`): the server must see the same identity, impersonation
/// and outcome. This checks override rules `kubectl config view` ignores.
@Suite(.serialized) struct KubectlParityTests {
    static let kubectl: String? = {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent("kubectl")
            guard FileManager.default.isExecutableFile(atPath: candidate.path) else { continue }
            let pinned = candidate.resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("kubectl.1.32")
            return FileManager.default.isExecutableFile(atPath: pinned.path) ? pinned.path : candidate.path
        }
        return nil
    }()

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var args: @Sendable (FakeAPIServer) -> [String]
        var description: String { name }
    }

    static let kubeconfigText: @Sendable (FakeAPIServer) -> String = { fake in
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: fake
          cluster: {server: "\(fake.server)", certificate-authority: ca.crt}
        - name: by-name
          cluster: {server: "https://localhost:\(fake.port)", certificate-authority: ca.crt}
        users:
        - name: admin
          user: {client-certificate: admin.crt, client-key: admin.key}
        - name: viewer-token
          user: {token: viewer-token}
        - name: file-token
          user: {tokenFile: tokfile}
        - name: basic
          user: {username: alice, password: wonderland}
        - name: impersonating
          user: {client-certificate: admin.crt, client-key: admin.key, as: viewer, as-groups: [devs]}
        contexts:
        - name: admin
          context: {cluster: fake, user: admin}
        - name: viewer
          context: {cluster: fake, user: viewer-token, namespace: kube-system}
        - name: by-name
          context: {cluster: by-name, user: file-token}
        current-context: admin

        """
    }

    static let cases: [Case] = [
        Case(name: "client certificate") { _ in [] },
        Case(name: "--context with a token") { _ in ["--context", "viewer"] },
        Case(name: "--user switches the user") { _ in ["--user", "basic"] },
        Case(name: "--token over a client certificate") { _ in ["--token", "viewer-token"] },
        Case(name: "--token alone") { _ in ["--user", "file-token", "--token", "admin-token"] },
        Case(name: "tokenFile") { _ in ["--context", "by-name"] },
        Case(name: "impersonation in the kubeconfig") { _ in ["--user", "impersonating"] },
        Case(name: "--as and --as-group") { _ in ["--as", "viewer", "--as-group", "g1", "--as-group", "g2"] },
        Case(name: "--as by a user who may not") { _ in ["--context", "viewer", "--as", "admin"] },
        Case(name: "--cluster switches the cluster") { _ in ["--cluster", "by-name"] },
        Case(name: "--server with --insecure-skip-tls-verify") { fake in ["--server", "https://localhost:\(fake.port)", "--insecure-skip-tls-verify"] },
        Case(name: "--certificate-authority override") { fake in ["--certificate-authority", fake.path("other-ca.crt")] },
        Case(name: "--tls-server-name") { _ in ["--tls-server-name", "kubernetes.test"] },
        Case(name: "--tls-server-name that is not in the certificate") { _ in ["--tls-server-name", "wrong.test"] },
        Case(name: "unknown user") { _ in ["--user", "nobody"] },
    ]

    struct Seen: Equatable, CustomStringConvertible {
        var exitedOK: Bool
        var requests: [String]
        var description: String { "ok=\(exitedOK) \(requests)" }
    }

    static func observe(_ fake: FakeAPIServer, _ command: [String]) throws -> Seen {
        try fake.clearRequests()
        let run = try runProcess(command[0], Array(command.dropFirst()), environment: ["PATH": "/usr/bin:/bin", "HOME": fake.dir.path])
        let records = try fake.requests().filter { $0["path"]?.stringValue == "/version" }.map { r -> String in
            let auth = r["headers"]?["authorization"]?.stringValue?.split(separator: " ").first.map(String.init) ?? "-"
            let groups = r["headers"]?["impersonate-group"].map { $0.serialized() } ?? "-"
            return "\(r["status"]?.intValue ?? 0) user=\(r["user"]?.stringValue ?? "-") cn=\(r["client_cn"]?.stringValue ?? "-") auth=\(auth) as=\(r["headers"]?["impersonate-user"]?.stringValue ?? "-") groups=\(groups)"
        }
        // Retries and kubectl's own fallbacks may repeat a request: compare the distinct outcomes.
        var distinct: [String] = []
        for r in records where !distinct.contains(r) { distinct.append(r) }
        return Seen(exitedOK: run.exitCode == 0, requests: distinct)
    }

    @Test(arguments: cases)
    func serverSeesWhatKubectlSends(_ parity: Case) throws {
        let kubectl = try #require(Self.kubectl, "kubectl is the oracle here")
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        try "admin-token\n".write(toFile: fake.path("tokfile"), atomically: true, encoding: .utf8)
        let kubeconfig = fake.path("parity.kubeconfig")
        try Self.kubeconfigText(fake).write(toFile: kubeconfig, atomically: true, encoding: .utf8)
        let args = ["--kubeconfig", kubeconfig] + parity.args(fake)
        let theirs = try Self.observe(fake, [kubectl, "get", "--raw", "/version"] + args)
        let ours = try Self.observe(fake, [pluginBinary, "version"] + args)
        #expect(ours == theirs, "\(parity.name): kubectl \(theirs) vs ours \(ours)")
    }
}
