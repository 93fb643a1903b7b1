import KubeConfig
import KubeModel

/// What authenticates one request: headers, and a client certificate when
/// the kubeconfig or an exec plugin supplies one.
struct RequestCredentials {
    var headers: [(String, String)] = []
    var certificatePEM: [UInt8] = []
    var keyPEM: [UInt8] = []
}

/// Reads the credentials a RESTConfig describes, at request time (token
/// files are re-read so rotation is picked up; exec plugins are cached).
struct CredentialSource: Sendable {
    let auth: HeaderAuth
    let exec: ExecCredentialProvider?

    init(config: RESTConfig, environment: [String: String]) {
        auth = config.auth
        if case .exec(let spec) = config.auth {
            exec = ExecCredentialProvider(spec: spec, environment: environment)
        } else {
            exec = nil
        }
    }

    func current() throws(KubeError) -> RequestCredentials {
        var creds = RequestCredentials()
        switch auth {
        case .none:
            break
        case .bearer(let token, let file):
            var value = token
            if !file.isEmpty, case .success(let text) = Files.readString(file) {
                let fromFile = text.trimmed
                if !fromFile.isEmpty { value = fromFile }
            }
            if !value.isEmpty { creds.headers.append(("Authorization", "Bearer " + value)) }
        case .basic(let user, let password):
            creds.headers.append(("Authorization", "Basic " + Base64.encode(Array("\(user):\(password)".utf8))))
        case .exec:
            guard let exec else { break }
            let credential: ExecCredential
            do { credential = try exec.credential() } catch { throw KubeError.configuration(error) }
            if !credential.token.isEmpty {
                creds.headers.append(("Authorization", "Bearer " + credential.token))
            } else {
                creds.certificatePEM = credential.clientCertificatePEM
                creds.keyPEM = credential.clientKeyPEM
            }
        }
        return creds
    }

    /// After a 401: drop a cached exec credential. True when a retry can help.
    func invalidate() -> Bool {
        guard let exec else { return false }
        exec.invalidate()
        return true
    }
}
