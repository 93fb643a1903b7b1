import KubeModel

/// Turns kubeconfig files plus flags into one `RESTConfig`, with kubectl's
/// rules (client-go's DirectClientConfig and in-cluster config).
public struct ConfigResolver: Sendable {
    public var overrides: ConfigOverrides
    public var environment: Environment
    /// Where a pod's service account is mounted (in-cluster configuration).
    public var serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    public init(overrides: ConfigOverrides = ConfigOverrides(), environment: Environment) {
        self.overrides = overrides
        self.environment = environment
    }

    public func resolve() throws(KubeconfigError) -> RESTConfig {
        let loader = KubeconfigLoader(explicitPath: overrides.kubeconfig, environment: environment)
        let (merged, files) = try loader.load()
        let timeout = try Self.parseTimeout(overrides.requestTimeout)
        if merged.isEmpty, overrides.kubeconfig == nil, overrides.server == nil,
           let inCluster = try inClusterConfig(timeout: timeout) {
            return inCluster
        }
        return try resolve(merged, files: files, timeout: timeout)
    }

    func resolve(_ config: Kubeconfig, files: [String], timeout: Double?) throws(KubeconfigError) -> RESTConfig {
        let where_ = files.isEmpty ? "no kubeconfig file (tried \(KubeconfigLoader(explicitPath: overrides.kubeconfig, environment: environment).candidateFiles.joined(separator: ", ")))" : files.joined(separator: ":")
        let contextName = nonEmpty(overrides.context) ?? config.currentContext
        var context = Context()
        var contextOrigin = ""
        if !contextName.isEmpty {
            if let found = config.context(contextName) {
                context = found.value
                contextOrigin = found.origin
            } else if nonEmpty(overrides.context) != nil {
                throw KubeconfigError("context \"\(contextName)\" does not exist in \(where_)")
            } else if overrides.server == nil {
                throw KubeconfigError("current-context \"\(contextName)\" does not exist in \(where_)")
            }
        } else if overrides.server == nil {
            if files.isEmpty {
                throw KubeconfigError("no configuration has been provided: \(where_); set KUBECONFIG, pass --kubeconfig, or run inside a pod")
            }
            throw KubeconfigError("no current context is set in \(where_); pass --context or run `kubectl config use-context NAME`")
        }
        if let cluster = nonEmpty(overrides.cluster) { context.cluster = cluster }
        if let user = nonEmpty(overrides.user) { context.user = user }
        if let namespace = nonEmpty(overrides.namespace) { context.namespace = namespace }

        var cluster = Cluster()
        var clusterOrigin = contextOrigin
        if !context.cluster.isEmpty {
            if let found = config.cluster(context.cluster) {
                cluster = found.value
                clusterOrigin = found.origin
            } else if overrides.server == nil {
                throw KubeconfigError("cluster \"\(context.cluster)\" (named by context \"\(contextName)\") does not exist in \(where_)")
            }
        }
        applyClusterOverrides(&cluster)
        guard !cluster.server.isEmpty else {
            let name = context.cluster.isEmpty ? "of context \"\(contextName)\"" : "\"\(context.cluster)\""
            throw KubeconfigError("cluster \(name) has no server defined in \(where_)")
        }

        var user = AuthInfo()
        var userOrigin = contextOrigin
        if !context.user.isEmpty {
            if let found = config.user(context.user) {
                user = found.value
                userOrigin = found.origin
            } else if nonEmpty(overrides.user) != nil {
                throw KubeconfigError("user \"\(context.user)\" does not exist in \(where_)")
            }
            // A context naming a missing user means anonymous access, as in kubectl.
        }
        applyUserOverrides(&user)

        var rest = RESTConfig(server: try Self.normalizeServer(cluster.server),
                              namespace: context.namespace.isEmpty ? "default" : context.namespace,
                              contextName: contextName, clusterName: context.cluster, userName: context.user,
                              proxyURL: cluster.proxyURL, disableCompression: cluster.disableCompression,
                              requestTimeout: timeout, source: where_)
        rest.tls = try tlsSettings(cluster: cluster, clusterOrigin: clusterOrigin, user: user, userOrigin: userOrigin)
        if rest.usesTLS {
            rest.auth = try headerAuth(user: user, userName: context.user, origin: userOrigin,
                                       cluster: cluster, hasClientCert: rest.tls.hasClientCertificate)
            rest.impersonation = impersonation(user)
        } else {
            rest.tls.clientCertData = []
            rest.tls.clientCertFile = ""
            rest.tls.clientKeyData = []
            rest.tls.clientKeyFile = ""
        }
        return rest
    }

    private func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }

    private func absolute(_ path: String, origin: String) -> String {
        guard !path.isEmpty else { return "" }
        if origin.isEmpty { return Paths.makeAbsolute(path, cwd: environment.cwd) }
        return Paths.join(Paths.directory(of: origin), path)
    }

    private func applyClusterOverrides(_ cluster: inout Cluster) {
        if let server = nonEmpty(overrides.server) { cluster.server = server }
        let ca = nonEmpty(overrides.certificateAuthority)
        if overrides.insecureSkipTLSVerify || ca != nil {
            // client-go: either flag replaces the kubeconfig's whole trust setting.
            cluster.insecureSkipTLSVerify = overrides.insecureSkipTLSVerify
            cluster.certificateAuthority = ca.map { Paths.makeAbsolute($0, cwd: environment.cwd) } ?? ""
            cluster.certificateAuthorityData = []
        }
        if nonEmpty(overrides.tlsServerName) != nil || nonEmpty(overrides.server) != nil {
            cluster.tlsServerName = overrides.tlsServerName ?? ""
        }
    }

    private func applyUserOverrides(_ user: inout AuthInfo) {
        if let token = nonEmpty(overrides.token) {
            user.token = token
            user.tokenFile = ""
        }
        if let who = nonEmpty(overrides.impersonateUser) { user.impersonate = who }
        if let uid = nonEmpty(overrides.impersonateUID) { user.impersonateUID = uid }
        if !overrides.impersonateGroups.isEmpty { user.impersonateGroups = overrides.impersonateGroups }
    }

    private func tlsSettings(cluster: Cluster, clusterOrigin: String, user: AuthInfo,
                             userOrigin: String) throws(KubeconfigError) -> TLSSettings {
        var tls = TLSSettings()
        tls.insecureSkipVerify = cluster.insecureSkipTLSVerify
        tls.serverName = cluster.tlsServerName
        if !cluster.certificateAuthorityData.isEmpty {
            tls.caData = cluster.certificateAuthorityData
        } else if !cluster.certificateAuthority.isEmpty {
            tls.caFile = absolute(cluster.certificateAuthority, origin: clusterOrigin)
        }
        if tls.insecureSkipVerify && !(tls.caData.isEmpty && tls.caFile.isEmpty) {
            throw KubeconfigError("specifying a root certificates file with the insecure flag is not allowed (cluster \"\(cluster.server)\")")
        }
        if !user.clientCertificateData.isEmpty { tls.clientCertData = user.clientCertificateData }
        else { tls.clientCertFile = absolute(user.clientCertificate, origin: userOrigin) }
        if !user.clientKeyData.isEmpty { tls.clientKeyData = user.clientKeyData }
        else { tls.clientKeyFile = absolute(user.clientKey, origin: userOrigin) }
        if tls.hasClientCertificate != !(tls.clientKeyData.isEmpty && tls.clientKeyFile.isEmpty) {
            throw KubeconfigError("user has a client certificate without a key, or a key without a certificate: set both client-certificate and client-key")
        }
        for path in [tls.caFile, tls.clientCertFile, tls.clientKeyFile] where !path.isEmpty {
            if case .failure(let error) = Files.read(path, limit: 1 << 20) {
                throw KubeconfigError("unable to read \(path): \(error.reason)")
            }
        }
        return tls
    }

    private func headerAuth(user: AuthInfo, userName: String, origin: String, cluster: Cluster,
                            hasClientCert: Bool) throws(KubeconfigError) -> HeaderAuth {
        if let provider = user.authProvider {
            if provider.name == "azure" {
                throw KubeconfigError("user \"\(userName)\" uses the removed azure auth-provider; run `kubelogin convert-kubeconfig -l azurecli` to switch this kubeconfig to kubelogin")
            }
            throw KubeconfigError("user \"\(userName)\" uses the removed \(provider.name) auth-provider; switch it to an exec credential plugin (for gcp: gke-gcloud-auth-plugin, for oidc: kubelogin)")
        }
        if !user.token.isEmpty || !user.tokenFile.isEmpty {
            let file = absolute(user.tokenFile, origin: origin)
            if user.token.isEmpty, case .failure(let error) = Files.read(file, limit: 1 << 20) {
                throw KubeconfigError("unable to read tokenFile \(file) of user \"\(userName)\": \(error.reason)")
            }
            return .bearer(token: user.token, file: file)
        }
        if !user.username.isEmpty || !user.password.isEmpty {
            return .basic(username: user.username, password: user.password)
        }
        if let exec = user.exec, !hasClientCert {
            return .exec(try execSpec(exec, userName: userName, origin: origin, cluster: cluster))
        }
        return .none
    }

    private func execSpec(_ exec: ExecConfig, userName: String, origin: String,
                          cluster: Cluster) throws(KubeconfigError) -> ExecPluginSpec {
        let supported = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"]
        guard supported.contains(exec.apiVersion) else {
            throw KubeconfigError("user \"\(userName)\": exec plugin apiVersion \"\(exec.apiVersion)\" is not supported (use client.authentication.k8s.io/v1)")
        }
        var mode = exec.interactiveMode
        if mode.isEmpty {
            guard exec.apiVersion.hasSuffix("v1beta1") else {
                throw KubeconfigError("user \"\(userName)\": interactiveMode must be specified to use an exec plugin with client.authentication.k8s.io/v1")
            }
            mode = "IfAvailable"
        }
        guard ["Never", "IfAvailable", "Always"].contains(mode) else {
            throw KubeconfigError("user \"\(userName)\": invalid exec interactiveMode \"\(mode)\" (Never, IfAvailable or Always)")
        }
        guard !exec.command.isEmpty else { throw KubeconfigError("user \"\(userName)\": exec plugin has no command") }
        let command = exec.command.contains("/") ? absolute(exec.command, origin: origin) : exec.command
        var clusterInfo: JSONValue?
        if exec.provideClusterInfo {
            var o = JSONObject()
            o["server"] = .string(cluster.server)
            if !cluster.tlsServerName.isEmpty { o["tls-server-name"] = .string(cluster.tlsServerName) }
            if cluster.insecureSkipTLSVerify { o["insecure-skip-tls-verify"] = true }
            if !cluster.certificateAuthorityData.isEmpty {
                o["certificate-authority-data"] = .string(Base64.encode(cluster.certificateAuthorityData))
            }
            if !cluster.proxyURL.isEmpty { o["proxy-url"] = .string(cluster.proxyURL) }
            if cluster.disableCompression { o["disable-compression"] = true }
            if let config = cluster.extensions?.arrayValue?.first(where: { $0["name"]?.stringValue == "client.authentication.k8s.io/exec" })?["extension"] {
                o["config"] = config
            }
            clusterInfo = .object(o)
        }
        return ExecPluginSpec(command: command, args: exec.args ?? [], env: exec.env ?? [], apiVersion: exec.apiVersion,
                              installHint: exec.installHint, interactiveMode: mode, clusterInfo: clusterInfo,
                              userName: userName)
    }

    private func impersonation(_ user: AuthInfo) -> Impersonation {
        var imp = Impersonation()
        imp.user = user.impersonate
        imp.uid = user.impersonateUID
        imp.groups = user.impersonateGroups
        for (key, values) in user.impersonateUserExtra { imp.extra[key] = values }
        return imp
    }

    /// In-cluster configuration: the pod's service account, as client-go's rest.InClusterConfig.
    func inClusterConfig(timeout: Double?) throws(KubeconfigError) -> RESTConfig? {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
              let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty else { return nil }
        let tokenFile = serviceAccountDirectory + "/token"
        guard Files.exists(tokenFile) else { return nil }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        var tls = TLSSettings()
        let caFile = serviceAccountDirectory + "/ca.crt"
        if Files.exists(caFile) { tls.caFile = caFile }
        var namespace = "default"
        if case .success(let ns) = Files.readString(serviceAccountDirectory + "/namespace") {
            let trimmed = ns.trimmed
            if !trimmed.isEmpty { namespace = trimmed }
        }
        if let ns = nonEmpty(overrides.namespace) { namespace = ns }
        var rest = RESTConfig(server: "https://\(hostPart):\(port)", namespace: namespace, contextName: "in-cluster",
                              tls: tls, auth: .bearer(token: "", file: tokenFile), requestTimeout: timeout,
                              source: "in-cluster service account \(serviceAccountDirectory)")
        if let token = nonEmpty(overrides.token) { rest.auth = .bearer(token: token, file: "") }
        var imp = Impersonation()
        imp.user = overrides.impersonateUser ?? ""
        imp.uid = overrides.impersonateUID ?? ""
        imp.groups = overrides.impersonateGroups
        rest.impersonation = imp
        return rest
    }

    /// `https://host:port/` with no trailing slash; a bare host gets https://, as kubectl does.
    static func normalizeServer(_ server: String) throws(KubeconfigError) -> String {
        var s = server
        if !s.contains("://") { s = "https://" + s }
        let lower = s.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else {
            throw KubeconfigError("server \"\(server)\" must be an http:// or https:// URL")
        }
        while s.hasSuffix("/") { s.removeLast() }
        let hostStart = s.index(s.startIndex, offsetBy: lower.hasPrefix("https://") ? 8 : 7)
        guard hostStart < s.endIndex, s[hostStart] != "/" else { throw KubeconfigError("server \"\(server)\" has no host") }
        return s
    }

    /// kubectl's --request-timeout: "0" or empty (none), a bare number of seconds, or a duration like
    /// 5s, 1m, 1h30m; at most Go's longest duration. A bare number is ASCII digits (and a point), as
    /// kubectl's: `Double(_:)` alone would take inf, nan and 1e30, which then trap in an Int conversion.
    public static func parseTimeout(_ text: String?) throws(KubeconfigError) -> Double? {
        guard let text, !text.isEmpty, text != "0" else { return nil }
        let bare = text.allSatisfy { ($0.isASCII && $0.isWholeNumber) || $0 == "." }
        let parsed = bare ? Double(text).flatMap { $0.isFinite && $0 <= Durations.maxSeconds ? $0 : nil } : Durations.parse(text)
        guard let seconds = parsed else {
            throw KubeconfigError("invalid --request-timeout \"\(text)\": use a duration like 30s, 5m or 1h, at most 292 years (0 means no timeout)")
        }
        return seconds == 0 ? nil : seconds
    }
}
