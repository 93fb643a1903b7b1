import Foundation
import KubeConfig
import KubeModel
import Testing

/// Flags over kubeconfig, as client-go's DirectClientConfig applies them.
struct ResolverTests {
    static func write(_ text: String) throws -> (dir: URL, file: String) {
        let dir = try TestPaths.temporaryDirectory("resolver")
        let file = dir.appendingPathComponent("config")
        try text.write(to: file, atomically: true, encoding: .utf8)
        try "CA".write(to: dir.appendingPathComponent("ca.crt"), atomically: true, encoding: .utf8)
        try "tok-from-file\n".write(to: dir.appendingPathComponent("tok"), atomically: true, encoding: .utf8)
        return (dir, file.path)
    }

    static let base = """
        clusters:
        - name: c1
          cluster: {server: "https://10.0.0.1:443/", certificate-authority: ca.crt, tls-server-name: api.internal}
        - name: c2
          cluster: {server: "http://127.0.0.1:8080"}
        users:
        - name: u1
          user: {tokenFile: tok, as: someone, as-groups: [g1]}
        - name: u2
          user: {username: bob, password: pw}
        - name: u3
          user:
            exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: ./bin/kubelogin, args: [get-token], provideClusterInfo: true}
        contexts:
        - name: x
          context: {cluster: c1, user: u1, namespace: team}
        - name: plain
          context: {cluster: c2, user: u2}
        - name: e
          context: {cluster: c1, user: u3}
        current-context: x

        """

    func resolve(_ overrides: ConfigOverrides, file: String, env: [String: String] = [:]) throws -> RESTConfig {
        var o = overrides
        o.kubeconfig = file
        return try ConfigResolver(overrides: o, environment: KubeConfig.Environment(variables: env, cwd: "/work")).resolve()
    }

    @Test func defaultsFromTheCurrentContext() throws {
        let (dir, file) = try Self.write(Self.base)
        let config = try resolve(ConfigOverrides(), file: file)
        #expect(config.server == "https://10.0.0.1:443")
        #expect(config.namespace == "team")
        #expect(config.tls.caFile == dir.appendingPathComponent("ca.crt").path)
        #expect(config.tls.serverName == "api.internal")
        #expect(config.auth == .bearer(token: "", file: dir.appendingPathComponent("tok").path))
        #expect(config.impersonation.headers.map(\.0) == ["Impersonate-User", "Impersonate-Group"])
    }

    @Test func flagsOverride() throws {
        let (_, file) = try Self.write(Self.base)
        var o = ConfigOverrides()
        o.server = "https://127.0.0.1:6443"
        o.namespace = "other"
        o.token = "tkn"
        o.insecureSkipTLSVerify = true
        o.impersonateUser = "me"
        let config = try resolve(o, file: file)
        #expect(config.server == "https://127.0.0.1:6443")
        #expect(config.namespace == "other")
        #expect(config.auth == .bearer(token: "tkn", file: ""))
        #expect(config.tls.insecureSkipVerify)
        #expect(config.tls.caFile.isEmpty, "--insecure-skip-tls-verify clears the kubeconfig's CA, as in client-go")
        #expect(config.tls.serverName.isEmpty, "--server clears tls-server-name unless given too")
        #expect(config.impersonation.user == "me")
    }

    @Test func noCredentialsOverPlainHTTP() throws {
        let (_, file) = try Self.write(Self.base)
        var o = ConfigOverrides()
        o.context = "plain"
        let config = try resolve(o, file: file)
        #expect(config.auth == .none)
    }

    @Test func execPluginRelativeCommandAndClusterInfo() throws {
        let (dir, file) = try Self.write(Self.base)
        var o = ConfigOverrides()
        o.context = "e"
        let config = try resolve(o, file: file)
        guard case .exec(let spec) = config.auth else { Issue.record("not exec: \(config.auth)"); return }
        #expect(spec.command == dir.appendingPathComponent("bin/kubelogin").path)
        #expect(spec.interactiveMode == "IfAvailable")
        #expect(spec.clusterInfo?["server"]?.stringValue == "https://10.0.0.1:443/")
    }

    @Test func inClusterWhenNoKubeconfig() throws {
        let sa = try TestPaths.temporaryDirectory("sa")
        try "sa-token".write(to: sa.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        try "CA".write(to: sa.appendingPathComponent("ca.crt"), atomically: true, encoding: .utf8)
        try "kube-system\n".write(to: sa.appendingPathComponent("namespace"), atomically: true, encoding: .utf8)
        let home = try TestPaths.temporaryDirectory("home")
        var resolver = ConfigResolver(environment: KubeConfig.Environment(
            variables: ["HOME": home.path, "KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "443"], cwd: "/"))
        resolver.serviceAccountDirectory = sa.path
        let config = try resolver.resolve()
        #expect(config.server == "https://[fd00::1]:443")
        #expect(config.namespace == "kube-system")
        #expect(config.auth == .bearer(token: "", file: sa.appendingPathComponent("token").path))
        #expect(config.tls.caFile == sa.appendingPathComponent("ca.crt").path)
    }

    @Test func noConfigurationAtAllIsAClearError() throws {
        let home = try TestPaths.temporaryDirectory("home")
        let resolver = ConfigResolver(environment: KubeConfig.Environment(variables: ["HOME": home.path], cwd: "/"))
        let error = try #require(throws: KubeconfigError.self) { try resolver.resolve() }
        #expect(error.message.contains(home.appendingPathComponent(".kube/config").path))
    }

    @Test func requestTimeoutForms() throws {
        #expect(try ConfigResolver.parseTimeout("0") == nil)
        #expect(try ConfigResolver.parseTimeout("15") == 15)
        #expect(try ConfigResolver.parseTimeout("1m") == 60)
        #expect(throws: KubeconfigError.self) { try ConfigResolver.parseTimeout("-1s") }
    }
}
