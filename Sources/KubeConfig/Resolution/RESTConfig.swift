import KubeModel

/// Everything needed to talk to one API server: the result of resolving a
/// kubeconfig with overrides. File references are absolute paths.
public struct RESTConfig: Sendable, Equatable {
    public var server: String
    public var namespace: String
    public var contextName: String
    public var clusterName: String
    public var userName: String
    public var tls: TLSSettings
    public var auth: HeaderAuth
    public var impersonation: Impersonation
    public var proxyURL: String
    public var disableCompression: Bool
    /// Seconds; nil means no limit (kubectl's `--request-timeout=0`).
    public var requestTimeout: Double?
    /// Where the settings came from, for error messages ("context x in /path").
    public var source: String

    public init(server: String, namespace: String = "default", contextName: String = "", clusterName: String = "",
                userName: String = "", tls: TLSSettings = TLSSettings(), auth: HeaderAuth = .none,
                impersonation: Impersonation = Impersonation(), proxyURL: String = "", disableCompression: Bool = false,
                requestTimeout: Double? = nil, source: String = "") {
        self.server = server
        self.namespace = namespace
        self.contextName = contextName
        self.clusterName = clusterName
        self.userName = userName
        self.tls = tls
        self.auth = auth
        self.impersonation = impersonation
        self.proxyURL = proxyURL
        self.disableCompression = disableCompression
        self.requestTimeout = requestTimeout
        self.source = source
    }

    /// kubectl sends credentials only over TLS.
    public var usesTLS: Bool { server.lowercased().hasPrefix("https://") }
}

public struct TLSSettings: Sendable, Equatable {
    public var caData: [UInt8] = []
    public var caFile = ""
    public var insecureSkipVerify = false
    public var serverName = ""
    public var clientCertData: [UInt8] = []
    public var clientCertFile = ""
    public var clientKeyData: [UInt8] = []
    public var clientKeyFile = ""
    public init() {}

    public var hasClientCertificate: Bool {
        !(clientCertData.isEmpty && clientCertFile.isEmpty)
    }
}

public struct Impersonation: Sendable, Equatable {
    public var user = ""
    public var uid = ""
    public var groups: [String] = []
    public var extra: [String: [String]] = [:]
    public init() {}

    /// The request headers, as client-go sends them.
    public var headers: [(String, String)] {
        guard !user.isEmpty || !uid.isEmpty || !groups.isEmpty else { return [] }
        var out: [(String, String)] = []
        if !user.isEmpty { out.append(("Impersonate-User", user)) }
        if !uid.isEmpty { out.append(("Impersonate-Uid", uid)) }
        for group in groups { out.append(("Impersonate-Group", group)) }
        for key in extra.keys.sorted() {
            for value in extra[key] ?? [] { out.append(("Impersonate-Extra-\(key)", value)) }
        }
        return out
    }
}

/// How a request proves who it is, beyond a client certificate.
public enum HeaderAuth: Sendable, Equatable {
    case none
    /// A bearer token; with `file`, the file is re-read (it may be rotated) and wins.
    case bearer(token: String, file: String)
    case basic(username: String, password: String)
    case exec(ExecPluginSpec)
}

/// An exec credential plugin, ready to run.
public struct ExecPluginSpec: Sendable, Equatable {
    public var command: String
    public var args: [String]
    public var env: [ExecEnvVar]
    public var apiVersion: String
    public var installHint: String
    public var interactiveMode: String
    /// `spec.cluster` for KUBERNETES_EXEC_INFO when provideClusterInfo is set.
    public var clusterInfo: JSONValue?
    public var userName: String

    public init(command: String, args: [String] = [], env: [ExecEnvVar] = [], apiVersion: String,
                installHint: String = "", interactiveMode: String, clusterInfo: JSONValue? = nil, userName: String = "") {
        self.command = command
        self.args = args
        self.env = env
        self.apiVersion = apiVersion
        self.installHint = installHint
        self.interactiveMode = interactiveMode
        self.clusterInfo = clusterInfo
        self.userName = userName
    }
}
