import KubeModel

/// The lab's image registry: which images "exist", and which need credentials. Public images
/// pull anonymously; images on the lab's private registry (`aksnetlab.azurecr.io/…`) pull only
/// with an image pull secret (`kubernetes.io/dockerconfigjson` or `dockercfg`) holding the lab's
/// credentials for that host, from the pod or its service account — as from a real ACR.
public struct LabRegistry: Sendable, Equatable {
    public static let privateHost = "aksnetlab.azurecr.io"
    public static let username = "aksnet-puller"
    /// A private image every lab serves (tests and sniff's `--image`).
    public static let privateNetshoot = "\(privateHost)/aksnet/netshoot"

    /// Repositories served (normalized with `LabImages.repository`).
    public let images: Set<String>
    public let password: String

    public init(images: Set<String> = LabImages.defaults.union([LabRegistry.privateNetshoot]), password: String) {
        self.images = LabImages.normalized(images)
        self.password = password
    }

    public enum Pull: Equatable, Sendable {
        case pulled
        /// containerd's message and the kubelet's waiting reason (ErrImagePull).
        case failed(String)
    }

    static func host(of image: String) -> String? {
        let first = image.split(separator: "/").first.map(String.init) ?? ""
        return image.contains("/") && (first.contains(".") || first.contains(":") || first == "localhost") ? first.lowercased() : nil
    }

    public func isPrivate(_ image: String) -> Bool { Self.host(of: image) == Self.privateHost }

    /// The pull of `image` with the given Secret objects (the pod's and its service account's pull secrets).
    public func pull(_ image: String, secrets: [JSONValue]) -> Pull {
        let reference = LabImages.fullReference(image)
        guard images.contains(LabImages.repository(image)) else {
            if isPrivate(image), authorized(secrets) {
                return .failed("failed to pull and unpack image \"\(reference)\": failed to resolve reference \"\(reference)\": \(reference): not found")
            }
            if isPrivate(image) { return .failed(unauthorized(image, reference: reference)) }
            return .failed("failed to pull and unpack image \"\(reference)\": failed to resolve reference \"\(reference)\": \(reference): not found")
        }
        guard isPrivate(image) else { return .pulled }
        return authorized(secrets) ? .pulled : .failed(unauthorized(image, reference: reference))
    }

    func unauthorized(_ image: String, reference: String) -> String {
        let repository = LabImages.repository(image).dropFirst(Self.privateHost.count + 1)
        let scope = "repository%3A" + repository.replacingOccurrences(of: "/", with: "%2F") + "%3Apull"
        return "failed to pull and unpack image \"\(reference)\": failed to resolve reference \"\(reference)\": failed to authorize: "
            + "failed to fetch anonymous token: unexpected status from GET request to "
            + "https://\(Self.privateHost)/oauth2/token?scope=\(scope)&service=\(Self.privateHost): 401 Unauthorized"
    }

    /// Whether any secret holds the lab's credentials for the private host.
    func authorized(_ secrets: [JSONValue]) -> Bool {
        secrets.contains { secret in
            Self.credentials(in: secret).contains { $0.host == Self.privateHost && $0.username == Self.username && $0.password == password }
        }
    }

    struct Credential: Equatable {
        var host: String
        var username: String
        var password: String
    }

    /// The registry credentials of a pull secret: `.dockerconfigjson` (`{"auths": {host: …}}`) or
    /// the older `.dockercfg` (`{host: …}`); each entry by username/password or `auth` (base64 user:pass).
    static func credentials(in secret: JSONValue) -> [Credential] {
        let data = secret["data"]
        let entries: JSONValue?
        if let text = data?[".dockerconfigjson"]?.stringValue, let json = decoded(text) {
            entries = json["auths"]
        } else if let text = data?[".dockercfg"]?.stringValue, let json = decoded(text) {
            entries = json
        } else {
            entries = nil
        }
        guard let object = entries?.objectValue else { return [] }
        var result: [Credential] = []
        for (server, entry) in object {
            var host = server.lowercased()
            for scheme in ["https://", "http://"] where host.hasPrefix(scheme) { host = String(host.dropFirst(scheme.count)) }
            host = String(host.split(separator: "/").first ?? "")
            if let user = entry["username"]?.stringValue, let password = entry["password"]?.stringValue {
                result.append(Credential(host: host, username: user, password: password))
            } else if let auth = entry["auth"]?.stringValue, case .success(let bytes) = Base64.decode(auth) {
                let pair = String(decoding: bytes, as: UTF8.self)
                if let colon = pair.firstIndex(of: ":") {
                    result.append(Credential(host: host, username: String(pair[..<colon]), password: String(pair[pair.index(after: colon)...])))
                }
            }
        }
        return result
    }

    static func decoded(_ base64: String) -> JSONValue? {
        guard case .success(let bytes) = Base64.decode(base64) else { return nil }
        return try? JSONValue.parse(bytes)
    }

    /// A `.dockerconfigjson` for the private registry (DIR/registry/config.json).
    public var dockerConfigJSON: String {
        let auth = Base64.encode(Array("\(Self.username):\(password)".utf8))
        let json: JSONValue = ["auths": [Self.privateHost: ["username": .string(Self.username), "password": .string(password),
                                                            "auth": .string(auth)]]]
        return json.serialized() + "\n"
    }
}
