import KubeModel

/// A kubeconfig as written in a file (v1 field names), before resolution.
/// Each named entry remembers the file it came from, to resolve relative paths.
public struct Kubeconfig: Sendable, Equatable {
    public var clusters: [Named<Cluster>] = []
    public var users: [Named<AuthInfo>] = []
    public var contexts: [Named<Context>] = []
    public var currentContext: String = ""
    public var preferences: JSONObject = JSONObject()
    /// Top-level `extensions`, by name (first file wins, like every named entry).
    public var extensions: [(name: String, extension: JSONValue)] = []

    public init() {}

    public static func == (a: Kubeconfig, b: Kubeconfig) -> Bool {
        a.clusters == b.clusters && a.users == b.users && a.contexts == b.contexts && a.currentContext == b.currentContext
            && a.preferences == b.preferences && a.extensions.map(\.name) == b.extensions.map(\.name)
            && a.extensions.map(\.extension) == b.extensions.map(\.extension)
    }

    public func cluster(_ name: String) -> Named<Cluster>? { clusters.first { $0.name == name } }
    public func user(_ name: String) -> Named<AuthInfo>? { users.first { $0.name == name } }
    public func context(_ name: String) -> Named<Context>? { contexts.first { $0.name == name } }
    public var isEmpty: Bool { clusters.isEmpty && users.isEmpty && contexts.isEmpty && currentContext.isEmpty }
}

public struct Named<Value: Sendable & Equatable>: Sendable, Equatable {
    public var name: String
    public var value: Value
    /// The kubeconfig file that held this entry ("" when it came from flags or in-cluster).
    public var origin: String
    public init(name: String, value: Value, origin: String) {
        self.name = name
        self.value = value
        self.origin = origin
    }
}

public struct Cluster: Sendable, Equatable {
    public var server = ""
    public var tlsServerName = ""
    public var insecureSkipTLSVerify = false
    public var certificateAuthority = ""
    public var certificateAuthorityData: [UInt8] = []
    public var proxyURL = ""
    public var disableCompression = false
    public var extensions: JSONValue?
    public init() {}
}

public struct AuthProvider: Sendable, Equatable {
    public var name = ""
    public var config: JSONObject = JSONObject()
}

public struct ExecEnvVar: Sendable, Equatable {
    public var name: String
    public var value: String
}

public struct ExecConfig: Sendable, Equatable {
    public var command = ""
    public var args: [String]?
    public var env: [ExecEnvVar]?
    public var apiVersion = ""
    public var installHint = ""
    public var provideClusterInfo = false
    public var interactiveMode = ""
    public init() {}
}

public struct AuthInfo: Sendable, Equatable {
    public var clientCertificate = ""
    public var clientCertificateData: [UInt8] = []
    public var clientKey = ""
    public var clientKeyData: [UInt8] = []
    public var token = ""
    public var tokenFile = ""
    public var impersonate = ""
    public var impersonateUID = ""
    public var impersonateGroups: [String] = []
    public var impersonateUserExtra: [(key: String, values: [String])] = []
    public var username = ""
    public var password = ""
    public var authProvider: AuthProvider?
    public var exec: ExecConfig?
    public var extensions: JSONValue?
    public init() {}

    public static func == (a: AuthInfo, b: AuthInfo) -> Bool {
        a.clientCertificate == b.clientCertificate && a.clientCertificateData == b.clientCertificateData
            && a.clientKey == b.clientKey && a.clientKeyData == b.clientKeyData && a.token == b.token
            && a.tokenFile == b.tokenFile && a.impersonate == b.impersonate && a.impersonateUID == b.impersonateUID
            && a.impersonateGroups == b.impersonateGroups
            && a.impersonateUserExtra.map(\.key) == b.impersonateUserExtra.map(\.key)
            && a.impersonateUserExtra.map(\.values) == b.impersonateUserExtra.map(\.values)
            && a.username == b.username && a.password == b.password && a.authProvider == b.authProvider
            && a.exec == b.exec && a.extensions == b.extensions
    }
}

public struct Context: Sendable, Equatable {
    public var cluster = ""
    public var user = ""
    public var namespace = ""
    public var extensions: JSONValue?
    public init() {}
}
