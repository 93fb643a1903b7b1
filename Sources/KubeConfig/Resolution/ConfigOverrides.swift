/// kubectl's standard connection flags, as given on the command line.
public struct ConfigOverrides: Sendable, Equatable {
    public var kubeconfig: String?
    public var context: String?
    public var cluster: String?
    public var user: String?
    public var namespace: String?
    public var server: String?
    public var token: String?
    public var certificateAuthority: String?
    public var insecureSkipTLSVerify = false
    public var tlsServerName: String?
    public var impersonateUser: String?
    public var impersonateUID: String?
    public var impersonateGroups: [String] = []
    public var requestTimeout: String?

    public init() {}
}
