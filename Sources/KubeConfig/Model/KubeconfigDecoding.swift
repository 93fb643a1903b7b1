import KubeModel

/// Typed reads of a decoded document, with errors that name the field path.
struct FieldReader {
    let object: JSONObject
    let path: String

    init(_ object: JSONObject, path: String) {
        self.object = object
        self.path = path
    }

    private func where_(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func mismatch(_ key: String, expected: String, got value: JSONValue) -> KubeconfigError {
        KubeconfigError("\(where_(key)): expected \(expected), got \(value.typeName)")
    }

    func string(_ key: String) throws(KubeconfigError) -> String {
        guard let value = object[key] else { return "" }
        switch value {
        case .null: return ""
        case .string(let s): return s
        default: throw mismatch(key, expected: "a string", got: value)
        }
    }

    func bool(_ key: String) throws(KubeconfigError) -> Bool {
        guard let value = object[key] else { return false }
        switch value {
        case .null: return false
        case .bool(let b): return b
        default: throw mismatch(key, expected: "true or false", got: value)
        }
    }

    func bytes(_ key: String) throws(KubeconfigError) -> [UInt8] {
        let text = try string(key)
        switch Base64.decode(text) {
        case .success(let bytes): return bytes
        case .failure(let error):
            throw KubeconfigError("\(where_(key)): illegal base64 data at input byte \(error.offset)")
        }
    }

    func strings(_ key: String) throws(KubeconfigError) -> [String]? {
        guard let value = object[key] else { return nil }
        switch value {
        case .null: return nil
        case .array(let items):
            var out: [String] = []
            for (i, item) in items.enumerated() {
                guard case .string(let s) = item else {
                    throw KubeconfigError("\(where_(key))[\(i)]: expected a string, got \(item.typeName)")
                }
                out.append(s)
            }
            return out
        default: throw mismatch(key, expected: "a list", got: value)
        }
    }

    func child(_ key: String) throws(KubeconfigError) -> FieldReader? {
        guard let value = object[key] else { return nil }
        switch value {
        case .null: return nil
        case .object(let o): return FieldReader(o, path: where_(key))
        default: throw mismatch(key, expected: "a map", got: value)
        }
    }

    func list(_ key: String) throws(KubeconfigError) -> [FieldReader] {
        guard let value = object[key] else { return [] }
        switch value {
        case .null: return []
        case .array(let items):
            var out: [FieldReader] = []
            for (i, item) in items.enumerated() {
                guard case .object(let o) = item else {
                    throw KubeconfigError("\(where_(key))[\(i)]: expected a map, got \(item.typeName)")
                }
                out.append(FieldReader(o, path: "\(where_(key))[\(i)]"))
            }
            return out
        default: throw mismatch(key, expected: "a list", got: value)
        }
    }

    func raw(_ key: String) -> JSONValue? {
        guard let value = object[key], value != .null else { return nil }
        return value
    }
}

extension Kubeconfig {
    /// Decodes one file's document; `origin` is recorded on every entry.
    public static func decode(_ document: JSONValue, origin: String) throws(KubeconfigError) -> Kubeconfig {
        var config = Kubeconfig()
        switch document {
        case .null: return config
        case .object: break
        default: throw KubeconfigError("expected a kubeconfig map at the top, got \(document.typeName)")
        }
        guard case .object(let top) = document else { return config }
        let root = FieldReader(top, path: "")
        let kind = try root.string("kind")
        let apiVersion = try root.string("apiVersion")
        guard kind.isEmpty || kind == "Config" else { throw KubeconfigError("kind \"\(kind)\" is not a kubeconfig (expected kind: Config)") }
        guard apiVersion.isEmpty || apiVersion == "v1" else { throw KubeconfigError("apiVersion \"\(apiVersion)\" is not supported for a kubeconfig (expected v1)") }
        config.currentContext = try root.string("current-context")
        config.preferences = try root.child("preferences")?.object ?? JSONObject()
        for entry in try root.list("extensions") {
            config.extensions.append((try entry.string("name"), entry.raw("extension") ?? .null))
        }
        for entry in try root.list("clusters") {
            let name = try entry.string("name")
            let cluster = try entry.child("cluster").map { r throws(KubeconfigError) in try decodeCluster(r) } ?? Cluster()
            guard !config.clusters.contains(where: { $0.name == name }) else { throw KubeconfigError("clusters: duplicate name \"\(name)\" in list") }
            config.clusters.append(Named(name: name, value: cluster, origin: origin))
        }
        for entry in try root.list("users") {
            let name = try entry.string("name")
            let user = try entry.child("user").map { r throws(KubeconfigError) in try decodeAuthInfo(r) } ?? AuthInfo()
            guard !config.users.contains(where: { $0.name == name }) else { throw KubeconfigError("users: duplicate name \"\(name)\" in list") }
            config.users.append(Named(name: name, value: user, origin: origin))
        }
        for entry in try root.list("contexts") {
            let name = try entry.string("name")
            let context = try entry.child("context").map { r throws(KubeconfigError) in try decodeContext(r) } ?? Context()
            guard !config.contexts.contains(where: { $0.name == name }) else { throw KubeconfigError("contexts: duplicate name \"\(name)\" in list") }
            config.contexts.append(Named(name: name, value: context, origin: origin))
        }
        return config
    }

    static func decodeCluster(_ r: FieldReader) throws(KubeconfigError) -> Cluster {
        var c = Cluster()
        c.server = try r.string("server")
        c.tlsServerName = try r.string("tls-server-name")
        c.insecureSkipTLSVerify = try r.bool("insecure-skip-tls-verify")
        c.certificateAuthority = try r.string("certificate-authority")
        c.certificateAuthorityData = try r.bytes("certificate-authority-data")
        c.proxyURL = try r.string("proxy-url")
        c.disableCompression = try r.bool("disable-compression")
        c.extensions = r.raw("extensions")
        return c
    }

    static func decodeContext(_ r: FieldReader) throws(KubeconfigError) -> Context {
        var c = Context()
        c.cluster = try r.string("cluster")
        c.user = try r.string("user")
        c.namespace = try r.string("namespace")
        c.extensions = r.raw("extensions")
        return c
    }

    static func decodeAuthInfo(_ r: FieldReader) throws(KubeconfigError) -> AuthInfo {
        var u = AuthInfo()
        u.clientCertificate = try r.string("client-certificate")
        u.clientCertificateData = try r.bytes("client-certificate-data")
        u.clientKey = try r.string("client-key")
        u.clientKeyData = try r.bytes("client-key-data")
        u.token = try r.string("token")
        u.tokenFile = try r.string("tokenFile")
        u.impersonate = try r.string("as")
        u.impersonateUID = try r.string("as-uid")
        u.impersonateGroups = try r.strings("as-groups") ?? []
        if let extra = try r.child("as-user-extra") {
            for (key, _) in extra.object {
                u.impersonateUserExtra.append((key, try extra.strings(key) ?? []))
            }
        }
        u.username = try r.string("username")
        u.password = try r.string("password")
        if let provider = try r.child("auth-provider") {
            var p = AuthProvider()
            p.name = try provider.string("name")
            p.config = try provider.child("config")?.object ?? JSONObject()
            u.authProvider = p
        }
        if let exec = try r.child("exec") {
            var e = ExecConfig()
            e.command = try exec.string("command")
            e.args = try exec.strings("args")
            e.apiVersion = try exec.string("apiVersion")
            e.installHint = try exec.string("installHint")
            e.provideClusterInfo = try exec.bool("provideClusterInfo")
            e.interactiveMode = try exec.string("interactiveMode")
            // kubectl's conversion defaults it for the beta APIs only.
            if e.interactiveMode.isEmpty, e.apiVersion.hasSuffix("/v1beta1") || e.apiVersion.hasSuffix("/v1alpha1") {
                e.interactiveMode = "IfAvailable"
            }
            let envList = try exec.list("env")
            if exec.raw("env") != nil {
                var vars: [ExecEnvVar] = []
                for item in envList { vars.append(ExecEnvVar(name: try item.string("name"), value: try item.string("value"))) }
                e.env = vars
            }
            u.exec = e
        }
        u.extensions = r.raw("extensions")
        return u
    }
}
