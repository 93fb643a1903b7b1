import TestSupport
import Foundation
import KubeModel
import Testing

/// Bad inputs through the real binary: each gives a clear error that names
/// the file, field, context or server, exits 1 (2 for usage), and never traps.
@Suite(.serialized) struct BadInputTests {
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var kubeconfig: @Sendable (FakeAPIServer) throws -> String
        var extraArgs: [String] = []
        var wrapper: [String] = []
        var exitCode: Int32 = 1
        /// Every one of these must appear in stderr.
        var mentions: @Sendable (FakeAPIServer) -> [String]
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "malformed YAML", kubeconfig: { fake in
            let path = fake.path("bad.yaml")
            try "apiVersion: v1\nclusters:\n- name: c\n  cluster: {server: [unclosed\n".write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }, mentions: { [$0.path("bad.yaml"), "yaml: line"] }),
        Case(name: "wrong type in a field", kubeconfig: { fake in
            let path = fake.path("typed.yaml")
            try "contexts:\n- name: yes\n  context: {cluster: c}\n".write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }, mentions: { [$0.path("typed.yaml"), "contexts[0].name", "expected a string, got bool"] }),
        Case(name: "missing client certificate file", kubeconfig: { fake in
            try fake.writeKubeconfig(user: "    client-certificate: nope.crt\n    client-key: admin.key\n")
        }, mentions: { [$0.path("nope.crt"), "no such file"] }),
        Case(name: "bad base64 in certificate-authority-data", kubeconfig: { fake in
            try fake.writeKubeconfig(user: "    token: admin-token\n",
                                     cluster: "    server: \(fake.server)\n    certificate-authority-data: '***'\n")
        }, mentions: { _ in ["certificate-authority-data", "illegal base64"] }),
        Case(name: "unknown context", kubeconfig: { fake in try fake.writeKubeconfig(user: "    token: admin-token\n") },
             extraArgs: ["--context", "nope"], mentions: { ["context \"nope\" does not exist", $0.path("kubeconfig")] }),
        Case(name: "missing --kubeconfig file", kubeconfig: { fake in fake.path("absent.yaml") },
             mentions: { [$0.path("absent.yaml"), "does not exist"] }),
        Case(name: "expired exec credential", kubeconfig: { fake in
            let dir = fake.path("plugin")
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try "expired-token".write(toFile: dir + "/token", atomically: true, encoding: .utf8)
            try "2001-01-01T00:00:00Z".write(toFile: dir + "/expiry", atomically: true, encoding: .utf8)
            return try fake.writeKubeconfig(user: """
                    exec:
                      apiVersion: client.authentication.k8s.io/v1beta1
                      command: \(FakeAPIServer.support.appendingPathComponent("exec_plugin.sh").path)
                      env: [{name: AKSNET_TEST_PLUGIN_DIR, value: \(dir)}]

                """)
        }, mentions: { ["You must be logged in to the server (Unauthorized)", $0.server] }),
        Case(name: "exec plugin not installed", kubeconfig: { fake in
            try fake.writeKubeconfig(user: """
                    exec:
                      apiVersion: client.authentication.k8s.io/v1
                      command: kubelogin-not-installed
                      interactiveMode: Never
                      installHint: install kubelogin from your package manager

                """)
        }, mentions: { _ in ["kubelogin-not-installed not found", "install kubelogin"] }),
        Case(name: "legacy azure auth-provider", kubeconfig: { fake in
            try fake.writeKubeconfig(user: "    auth-provider:\n      name: azure\n      config: {tenant-id: t}\n")
        }, mentions: { _ in ["kubelogin convert-kubeconfig -l azurecli"] }),
        Case(name: "CA that does not match", kubeconfig: { fake in
            try fake.writeKubeconfig(user: "    token: admin-token\n",
                                     cluster: "    server: \(fake.server)\n    certificate-authority: other-ca.crt\n")
        }, mentions: { [$0.server, "tls: failed to verify", $0.path("other-ca.crt")] }),
        Case(name: "unreachable server", kubeconfig: { fake in
            try fake.writeKubeconfig(user: "    token: admin-token\n",
                                     cluster: "    server: https://127.0.0.1:1\n    certificate-authority: ca.crt\n")
        }, mentions: { _ in ["https://127.0.0.1:1", "connection refused"] }),
        Case(name: "unknown token", kubeconfig: { fake in try fake.writeKubeconfig(user: "    token: wrong\n") },
             mentions: { ["You must be logged in to the server", $0.server] }),
        // No network namespace route: the lookup fails at once, nothing leaves the machine.
        Case(name: "name that does not resolve", kubeconfig: { fake in
            try fake.writeKubeconfig(user: "    token: admin-token\n",
                                     cluster: "    server: https://no-such-host.aksnet.invalid:6443\n    certificate-authority: ca.crt\n")
        }, wrapper: ["/usr/bin/unshare", "--net"], mentions: { _ in ["no-such-host.aksnet.invalid", "no such host"] }),
        Case(name: "bad --request-timeout", kubeconfig: { fake in try fake.writeKubeconfig(user: "    token: admin-token\n") },
             extraArgs: ["--request-timeout", "soon"], exitCode: 2, mentions: { _ in ["--request-timeout", "soon"] }),
    ]

    @Test(arguments: cases)
    func clearErrorAndExitCode(_ bad: Case) throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        let kubeconfig = try bad.kubeconfig(fake)
        let command = bad.wrapper + [pluginBinary, "version", "--kubeconfig", kubeconfig] + bad.extraArgs
        let run = try runProcess(command[0], Array(command.dropFirst()))
        #expect(!run.terminatedBySignal, "\(bad.name): crashed")
        #expect(run.exitCode == bad.exitCode, "\(bad.name): exit \(run.exitCode), stderr: \(run.stderr)")
        for needle in bad.mentions(fake) {
            #expect(run.stderr.contains(needle), "\(bad.name): stderr does not mention \(needle): \(run.stderr)")
        }
        #expect(!run.stderr.contains("Fatal error") && !run.stderr.contains("Stack dump"))
        if bad.exitCode == 1, bad.name != "exec plugin not installed" {  // usage errors add a usage hint; an install hint may span lines
            #expect(run.stderr.split(separator: "\n").count == 1, "\(bad.name): more than one line: \(run.stderr)")
        }
    }
}
