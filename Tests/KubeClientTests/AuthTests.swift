import TestSupport
import Foundation
import KubeClient
import KubeConfig
import KubeModel
import Testing

/// Every kubectl auth kind against a real HTTPS server.
@Suite(.serialized) struct AuthTests {
    @Test func clientCertificateFromFilesAndFromData() throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        let fromFiles = try fake.adminClient()
        #expect(try fromFiles.version().gitVersion == "v1.32.5")
        let cert = Base64.encode(Array(try Data(contentsOf: URL(fileURLWithPath: fake.path("admin.crt")))))
        let key = Base64.encode(Array(try Data(contentsOf: URL(fileURLWithPath: fake.path("admin.key")))))
        let ca = Base64.encode(Array(try Data(contentsOf: URL(fileURLWithPath: fake.path("ca.crt")))))
        let dataConfig = try fake.writeKubeconfig("data.kubeconfig",
            user: "    client-certificate-data: \(cert)\n    client-key-data: \(key)\n",
            cluster: "    server: \(fake.server)\n    certificate-authority-data: \(ca)\n")
        #expect(try fake.client(kubeconfig: dataConfig).version().platform == "linux/amd64")
        let seen = try fake.requests().filter { $0["path"]?.stringValue == "/version" }
        #expect(seen.count == 2)
        #expect(seen.allSatisfy { $0["client_cn"]?.stringValue == "admin" })
    }

    @Test func bearerTokenAndTokenFileReRead() throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        let token = try fake.client(kubeconfig: fake.writeKubeconfig(user: "    token: viewer-token\n"))
        _ = try token.version()
        let tokenFile = fake.path("token-file")
        try "admin-token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let viaFile = try fake.client(kubeconfig: fake.writeKubeconfig("tf.kubeconfig", user: "    tokenFile: token-file\n"))
        _ = try viaFile.version()
        try "viewer-token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        _ = try viaFile.version()
        let users = try fake.requests().map { $0["user"]?.stringValue ?? "-" }
        #expect(users == ["viewer", "admin", "viewer"])
    }

    @Test func basicAuth() throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        let basic = try fake.client(kubeconfig: fake.writeKubeconfig(user: "    username: alice\n    password: wonderland\n"))
        _ = try basic.version()
        #expect(try fake.requests().last?["user"]?.stringValue == "alice")
        let wrong = try fake.client(kubeconfig: fake.writeKubeconfig("w.kubeconfig", user: "    username: alice\n    password: nope\n"))
        #expect(throws: KubeError.self) { try wrong.version() }
    }

    @Test func execPluginIsCachedThenRefreshedAfter401() throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        let pluginDir = fake.path("plugin")
        try FileManager.default.createDirectory(atPath: pluginDir, withIntermediateDirectories: true)
        try "tok-1".write(toFile: pluginDir + "/token", atomically: true, encoding: .utf8)
        try "2099-01-01T00:00:00Z".write(toFile: pluginDir + "/expiry", atomically: true, encoding: .utf8)
        try "tok-1,admin\n".write(toFile: fake.path("tokens"), atomically: true, encoding: .utf8)
        let plugin = FakeAPIServer.support.appendingPathComponent("exec_plugin.sh").path
        let kubeconfig = try fake.writeKubeconfig(user: """
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: \(plugin)
                  args: [get-token, --server-id, x]
                  interactiveMode: Never
                  env:
                  - {name: AKSNET_TEST_PLUGIN_DIR, value: \(pluginDir)}

            """)
        let client = try fake.client(kubeconfig: kubeconfig)
        for _ in 0..<3 { _ = try client.version() }
        #expect(client.transport.execPluginCalls == 1)
        // The server stops accepting tok-1; the plugin now issues tok-2.
        try "tok-2,admin\n".write(toFile: fake.path("tokens"), atomically: true, encoding: .utf8)
        try "tok-2".write(toFile: pluginDir + "/token", atomically: true, encoding: .utf8)
        _ = try client.version()
        #expect(client.transport.execPluginCalls == 2)
        let info = try String(contentsOfFile: pluginDir + "/last_exec_info", encoding: .utf8)
        let json = try JSONValue.parse(info)
        #expect(json["apiVersion"]?.stringValue == "client.authentication.k8s.io/v1")
        #expect(json["spec"]?["interactive"]?.boolValue == false)
        let statuses = try fake.requests().map { Int($0["status"]?.intValue ?? 0) }
        #expect(statuses == [200, 200, 200, 401, 200])
    }

    @Test func kubeloginAsAKSWritesItFoundOnPathAndReRunAfterExpiry() throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        let bin = fake.path("bin")
        let pluginDir = fake.path("plugin")
        for dir in [bin, pluginDir] { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        try FileManager.default.createSymbolicLink(atPath: bin + "/kubelogin",
                                                   withDestinationPath: FakeAPIServer.support.appendingPathComponent("exec_plugin.sh").path)
        try "aad-token".write(toFile: pluginDir + "/token", atomically: true, encoding: .utf8)
        // Expires in 5 s: inside the 10 s safety margin, so every request asks again.
        let soon = Date().addingTimeInterval(5)
        try ISO8601DateFormatter().string(from: soon).write(toFile: pluginDir + "/expiry", atomically: true, encoding: .utf8)
        try "aad-token,aks-user@example.com\n".write(toFile: fake.path("tokens"), atomically: true, encoding: .utf8)
        let kubeconfig = try fake.writeKubeconfig(user: """
                exec:
                  apiVersion: client.authentication.k8s.io/v1beta1
                  args: [get-token, --environment, AzurePublicCloud, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630, --login, azurecli]
                  command: kubelogin
                  env: null
                  installHint: "kubelogin is not installed which is required to connect to AAD enabled cluster."
                  provideClusterInfo: false

            """)
        let path = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let client = try fake.client(kubeconfig: kubeconfig, env: ["PATH": path, "AKSNET_TEST_PLUGIN_DIR": pluginDir])
        _ = try client.version()
        _ = try client.version()
        #expect(client.transport.execPluginCalls == 2)
        #expect(try fake.requests().allSatisfy { $0["user"]?.stringValue == "aks-user@example.com" })
        let calls = try String(contentsOfFile: pluginDir + "/calls", encoding: .utf8)
        #expect(calls.contains("get-token --environment AzurePublicCloud --server-id 6dae42f8-4368-4678-94ff-3960e28e3630 --login azurecli"))
    }

    @Test func impersonationHeaders() throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        var overrides = ConfigOverrides()
        overrides.impersonateUser = "viewer"
        overrides.impersonateGroups = ["team-a", "team-b"]
        overrides.impersonateUID = "1234"
        let admin = try fake.client(kubeconfig: fake.writeKubeconfig(user: "    client-certificate: admin.crt\n    client-key: admin.key\n"),
                                    overrides: overrides)
        _ = try admin.version()
        let record = try #require(try fake.requests().last)
        #expect(record["user"]?.stringValue == "viewer")
        #expect(record["headers"]?["impersonate-group"] == ["team-a", "team-b"])
        #expect(record["headers"]?["impersonate-uid"]?.stringValue == "1234")
    }

    @Test func tlsServerNameVerifiesTheGivenName() throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        // The certificate is for localhost/127.0.0.1/kubernetes.test; connect to 127.0.0.1 but verify kubernetes.test.
        let kubeconfig = try fake.writeKubeconfig(user: "    token: admin-token\n",
            cluster: "    server: \(fake.server)\n    certificate-authority: ca.crt\n    tls-server-name: kubernetes.test\n")
        #expect(try fake.client(kubeconfig: kubeconfig).version().gitVersion == "v1.32.5")
        let wrongName = try fake.writeKubeconfig("w.kubeconfig", user: "    token: admin-token\n",
            cluster: "    server: \(fake.server)\n    certificate-authority: ca.crt\n    tls-server-name: not-in-the-cert.test\n")
        let error = try #require(throws: KubeError.self) { try fake.client(kubeconfig: wrongName).version() }
        #expect(error.kind == .tls)
    }

    @Test func credentialsAreNeverPrintedAtV9() throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        let kubeconfig = try fake.writeKubeconfig(user: "    token: admin-token\n")
        let run = try runProcess(pluginBinary, ["version", "--kubeconfig", kubeconfig, "-v=9"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(run.stderr.contains("GET \(fake.server)/version 200 OK"))
        #expect(run.stderr.contains("Authorization: Bearer <masked>"))
        #expect(!run.stderr.contains("admin-token"))
        let withFlag = try runProcess(pluginBinary, ["version", "--kubeconfig", kubeconfig, "--token", "admin-token", "-v", "9"])
        #expect(!withFlag.stderr.contains("admin-token") && !withFlag.stdout.contains("admin-token"))
    }
}

/// `proxy-url` in the kubeconfig: http (CONNECT), https and socks5, through a loopback proxy.
@Suite(.serialized) struct ProxyTests {
    @Test(arguments: ["http", "https", "socks5"])
    func reachesTheServerThroughTheProxy(_ mode: String) throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        var args = ["python3", FakeAPIServer.support.appendingPathComponent("loopback_proxy.py").path, "--dir", fake.dir.path, "--mode", mode]
        if mode == "https" { args += ["--cert", fake.path("server.crt"), "--key", fake.path("server.key")] }
        let proxy = try Background("/usr/bin/env", args)
        defer { proxy.stop() }
        var port: Int?
        for _ in 0..<250 where port == nil {
            port = (try? String(contentsOfFile: fake.path("proxy-port"), encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if port == nil { usleep(20_000) }
        }
        let proxyPort = try #require(port)
        let host = mode == "https" ? "localhost" : "127.0.0.1"
        let kubeconfig = try fake.writeKubeconfig(user: "    token: admin-token\n", cluster: """
                server: https://localhost:\(fake.port)
                certificate-authority: ca.crt
                proxy-url: \(mode)://\(host):\(proxyPort)

            """)
        let client = try fake.client(kubeconfig: kubeconfig, env: ["NO_PROXY": "", "no_proxy": ""])
        #expect(try client.version().gitVersion == "v1.32.5")
        let log = try String(contentsOfFile: fake.path("proxy-log"), encoding: .utf8)
        #expect(log.contains("\(mode) localhost:\(fake.port)"), "proxy log: \(log)")
    }
}
