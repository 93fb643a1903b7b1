import KubeModel

/// `kubectl config view` rendering: the v1 shapes, with kubectl's omissions.
extension Kubeconfig {
    /// Keeps only the current (or given) context and what it names, as `--minify` does.
    public func minified(context override: String? = nil) throws(KubeconfigError) -> Kubeconfig {
        let name = (override?.isEmpty == false ? override : nil) ?? currentContext
        guard !name.isEmpty else { throw KubeconfigError("current-context must exist in order to minify") }
        guard let context = context(name) else { throw KubeconfigError("cannot locate context \(name)") }
        var out = Kubeconfig()
        out.currentContext = name
        out.preferences = preferences
        out.extensions = extensions
        out.contexts = [context]
        if !context.value.cluster.isEmpty {
            guard let cluster = cluster(context.value.cluster) else {
                throw KubeconfigError("cannot locate cluster \(context.value.cluster)")
            }
            out.clusters = [cluster]
        }
        if !context.value.user.isEmpty {
            guard let user = user(context.value.user) else {
                throw KubeconfigError("cannot locate user \(context.value.user)")
            }
            out.users = [user]
        }
        return out
    }

    /// Inlines every referenced file as `*-data`, as `--flatten` does.
    public func flattened() throws(KubeconfigError) -> Kubeconfig {
        func inline(_ path: inout String, into data: inout [UInt8], origin: String) throws(KubeconfigError) {
            guard !path.isEmpty else { return }
            guard data.isEmpty else { throw KubeconfigError("cannot have values for both path and contents (\(path))") }
            let absolute = Paths.join(Paths.directory(of: origin), path)
            switch Files.read(absolute) {
            case .success(let bytes): data = bytes
            case .failure(let error): throw KubeconfigError(error.description)
            }
            path = ""
        }
        var out = self
        for i in out.clusters.indices {
            var entry = out.clusters[i]
            try inline(&entry.value.certificateAuthority, into: &entry.value.certificateAuthorityData, origin: entry.origin)
            out.clusters[i] = entry
        }
        for i in out.users.indices {
            var entry = out.users[i]
            try inline(&entry.value.clientCertificate, into: &entry.value.clientCertificateData, origin: entry.origin)
            try inline(&entry.value.clientKey, into: &entry.value.clientKeyData, origin: entry.origin)
            out.users[i] = entry
        }
        return out
    }

    /// The JSON `kubectl config view --raw -o json` prints.
    public var viewJSON: JSONValue {
        var top = JSONObject()
        top["kind"] = "Config"
        top["apiVersion"] = "v1"
        top["preferences"] = .object(preferences)
        top["clusters"] = clusters.isEmpty ? .null : .array(clusters.sorted { $0.name < $1.name }.map { entry in
            .object(JSONObject([("name", .string(entry.name)), ("cluster", entry.value.viewJSON)]))
        })
        top["users"] = users.isEmpty ? .null : .array(users.sorted { $0.name < $1.name }.map { entry in
            .object(JSONObject([("name", .string(entry.name)), ("user", entry.value.viewJSON)]))
        })
        top["contexts"] = contexts.isEmpty ? .null : .array(contexts.sorted { $0.name < $1.name }.map { entry in
            .object(JSONObject([("name", .string(entry.name)), ("context", entry.value.viewJSON)]))
        })
        top["current-context"] = .string(currentContext)
        if !extensions.isEmpty {
            top["extensions"] = .array(extensions.sorted { $0.name < $1.name }.map {
                .object(JSONObject([("name", .string($0.name)), ("extension", $0.extension)]))
            })
        }
        return .object(top)
    }
}

private func setIf(_ object: inout JSONObject, _ key: String, _ value: String) {
    if !value.isEmpty { object[key] = .string(value) }
}

private func setIf(_ object: inout JSONObject, _ key: String, _ value: [UInt8]) {
    if !value.isEmpty { object[key] = .string(Base64.encode(value)) }
}

extension Cluster {
    var viewJSON: JSONValue {
        var o = JSONObject()
        o["server"] = .string(server)
        setIf(&o, "tls-server-name", tlsServerName)
        if insecureSkipTLSVerify { o["insecure-skip-tls-verify"] = true }
        setIf(&o, "certificate-authority", certificateAuthority)
        setIf(&o, "certificate-authority-data", certificateAuthorityData)
        setIf(&o, "proxy-url", proxyURL)
        if disableCompression { o["disable-compression"] = true }
        if let extensions, extensions.arrayValue?.isEmpty == false { o["extensions"] = extensions }
        return .object(o)
    }
}

extension Context {
    var viewJSON: JSONValue {
        var o = JSONObject()
        o["cluster"] = .string(cluster)
        o["user"] = .string(user)
        setIf(&o, "namespace", namespace)
        if let extensions, extensions.arrayValue?.isEmpty == false { o["extensions"] = extensions }
        return .object(o)
    }
}

extension AuthInfo {
    var viewJSON: JSONValue {
        var o = JSONObject()
        setIf(&o, "client-certificate", clientCertificate)
        setIf(&o, "client-certificate-data", clientCertificateData)
        setIf(&o, "client-key", clientKey)
        setIf(&o, "client-key-data", clientKeyData)
        setIf(&o, "token", token)
        setIf(&o, "tokenFile", tokenFile)
        setIf(&o, "as", impersonate)
        setIf(&o, "as-uid", impersonateUID)
        if !impersonateGroups.isEmpty { o["as-groups"] = .array(impersonateGroups.map { .string($0) }) }
        if !impersonateUserExtra.isEmpty {
            o["as-user-extra"] = .object(JSONObject(impersonateUserExtra.map { (key: $0.key, value: .array($0.values.map { .string($0) })) }))
        }
        setIf(&o, "username", username)
        setIf(&o, "password", password)
        if let authProvider {
            var p = JSONObject()
            p["name"] = .string(authProvider.name)
            p["config"] = authProvider.config.count > 0 ? .object(authProvider.config) : .null
            o["auth-provider"] = .object(p)
        }
        if let exec {
            var e = JSONObject()
            e["command"] = .string(exec.command)
            e["args"] = exec.args.map { .array($0.map { .string($0) }) } ?? .null
            e["env"] = exec.env.map { .array($0.map { .object(JSONObject([("name", .string($0.name)), ("value", .string($0.value))])) }) } ?? .null
            setIf(&e, "apiVersion", exec.apiVersion)
            setIf(&e, "installHint", exec.installHint)
            e["provideClusterInfo"] = .bool(exec.provideClusterInfo)
            setIf(&e, "interactiveMode", exec.interactiveMode)
            o["exec"] = .object(e)
        }
        if let extensions, extensions.arrayValue?.isEmpty == false { o["extensions"] = extensions }
        return .object(o)
    }
}
