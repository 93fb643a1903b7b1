import ArgumentParser
import KubeClient
import KubeConfig

/// kubectl's standard connection flags, spelled as kubectl spells them.
public struct KubeFlags: ParsableArguments {
    @Option(help: "Path to the kubeconfig file to use.")
    var kubeconfig: String?

    @Option(help: "The name of the kubeconfig context to use.")
    var context: String?

    @Option(help: "The name of the kubeconfig cluster to use.")
    var cluster: String?

    @Option(help: "The name of the kubeconfig user to use.")
    var user: String?

    @Option(name: [.customShort("n"), .long], help: "The namespace scope for this request.")
    var namespace: String?

    @Option(name: [.customShort("s"), .long], help: "The address and port of the Kubernetes API server.")
    var server: String?

    @Option(help: "Bearer token for authentication to the API server.")
    var token: String?

    @Option(name: .customLong("certificate-authority"), help: "Path to a cert file for the certificate authority.")
    var certificateAuthority: String?

    @Flag(name: .customLong("insecure-skip-tls-verify"), help: "Do not check the server's certificate (insecure).")
    var insecureSkipTLSVerify = false

    @Option(name: .customLong("tls-server-name"), help: "Server name to use for server certificate validation.")
    var tlsServerName: String?

    @Option(name: .customLong("as"), help: "Username to impersonate for the operation.")
    var impersonateUser: String?

    @Option(name: .customLong("as-group"), help: "Group to impersonate for the operation (repeatable).")
    var impersonateGroups: [String] = []

    @Option(name: .customLong("as-uid"), help: "UID to impersonate for the operation.")
    var impersonateUID: String?

    @Option(name: .customLong("request-timeout"), help: "Time to wait for one request (0 = no limit), e.g. 5s, 1m.")
    var requestTimeout: String?

    @Option(name: [.customShort("v"), .customLong("v")], help: "Log level (6: requests, 7: headers, 8: bodies, 9: all).")
    var verbosity: Int = 0

    public init() {}

    public var overrides: ConfigOverrides {
        var o = ConfigOverrides()
        o.kubeconfig = kubeconfig
        o.context = context
        o.cluster = cluster
        o.user = user
        o.namespace = namespace
        o.server = server
        o.token = token
        o.certificateAuthority = certificateAuthority
        o.insecureSkipTLSVerify = insecureSkipTLSVerify
        o.tlsServerName = tlsServerName
        o.impersonateUser = impersonateUser
        o.impersonateGroups = impersonateGroups
        o.impersonateUID = impersonateUID
        o.requestTimeout = requestTimeout
        return o
    }

    public func validate() throws {
        if let requestTimeout {
            do { _ = try ConfigResolver.parseTimeout(requestTimeout) } catch { throw ValidationError(error.message) }
        }
        guard (0...10).contains(verbosity) else { throw ValidationError("-v must be between 0 and 10") }
    }

    /// The client for this invocation (sets the log level first).
    public func makeClient() throws(KubeError) -> KubeClient {
        Log.verbosity = verbosity
        return try KubeClient.fromKubeconfig(overrides: overrides)
    }
}
