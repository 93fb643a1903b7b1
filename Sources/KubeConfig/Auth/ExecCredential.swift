import KubeModel
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What an exec plugin gave us.
public struct ExecCredential: Sendable, Equatable {
    public var token: String
    public var clientCertificatePEM: [UInt8]
    public var clientKeyPEM: [UInt8]
    /// Seconds since the epoch; nil = valid for the life of this process.
    public var expiresAt: Double?
}

/// Runs an exec credential plugin and caches its answer until it expires or
/// the server answers 401 (`invalidate`), as client-go does.
public final class ExecCredentialProvider: Sendable {
    public let spec: ExecPluginSpec
    private let environment: [String: String]
    private let stdinIsTerminal: Bool
    private let cache = Mutex<ExecCredential?>(nil)
    private let callCount = Mutex(0)

    public init(spec: ExecPluginSpec, environment: [String: String], stdinIsTerminal: Bool = isatty(0) != 0) {
        self.spec = spec
        self.environment = environment
        self.stdinIsTerminal = stdinIsTerminal
    }

    public var calls: Int { callCount.withLock { $0 } }

    public func invalidate() { cache.withLock { $0 = nil } }

    public func credential(now: Double = currentTime()) throws(KubeconfigError) -> ExecCredential {
        if let cached = cache.withLock({ $0 }), cached.expiresAt.map({ $0 > now + 10 }) ?? true { return cached }
        let fresh = try run()
        cache.withLock { $0 = fresh }
        return fresh
    }

    private func run() throws(KubeconfigError) -> ExecCredential {
        let interactive: Bool
        switch spec.interactiveMode {
        case "Never": interactive = false
        case "Always":
            guard stdinIsTerminal else {
                throw KubeconfigError("exec plugin \(spec.command) for user \"\(spec.userName)\" needs a terminal (interactiveMode: Always) but stdin is not one")
            }
            interactive = true
        default: interactive = stdinIsTerminal
        }
        var info = JSONObject([("kind", "ExecCredential"), ("apiVersion", .string(spec.apiVersion))])
        var specObject = JSONObject([("interactive", .bool(interactive))])
        if let cluster = spec.clusterInfo { specObject["cluster"] = cluster }
        info["spec"] = .object(specObject)
        var env = environment
        for variable in spec.env { env[variable.name] = variable.value }
        env["KUBERNETES_EXEC_INFO"] = JSONValue.object(info).serialized()
        callCount.withLock { $0 += 1 }
        let result: ProcessRunner.Result
        do {
            result = try ProcessRunner.run(spec.command, arguments: spec.args, environment: env, inheritStdin: interactive)
        } catch {
            switch error {
            case .notFound(let name):
                let hint = spec.installHint.isEmpty ? "" : "\n\n" + Self.stripANSI(spec.installHint)
                throw KubeconfigError("getting credentials: exec: executable \(name) not found (user \"\(spec.userName)\")" + hint)
            case .spawnFailed(let name, let reason):
                throw KubeconfigError("getting credentials: exec: cannot start \(name): \(reason)")
            }
        }
        guard result.exitCode == 0 else {
            throw KubeconfigError("getting credentials: exec: executable \(spec.command) failed with exit code \(result.exitCode)")
        }
        return try Self.parse(result.stdout, spec: spec)
    }

    static func parse(_ output: [UInt8], spec: ExecPluginSpec) throws(KubeconfigError) -> ExecCredential {
        let json: JSONValue
        do { json = try JSONValue.parse(output) } catch {
            throw KubeconfigError("getting credentials: decoding stdout of \(spec.command): \(error)")
        }
        guard json["kind"]?.stringValue == "ExecCredential" else {
            throw KubeconfigError("getting credentials: \(spec.command) did not print an ExecCredential")
        }
        if let apiVersion = json["apiVersion"]?.stringValue, apiVersion != spec.apiVersion {
            throw KubeconfigError("getting credentials: exec plugin is configured to use API version \(spec.apiVersion), plugin returned version \(apiVersion)")
        }
        guard let status = json["status"] else {
            throw KubeconfigError("getting credentials: exec plugin \(spec.command) did not return a status field")
        }
        let token = status["token"]?.stringValue ?? ""
        let cert = Array((status["clientCertificateData"]?.stringValue ?? "").utf8)
        let key = Array((status["clientKeyData"]?.stringValue ?? "").utf8)
        if token.isEmpty && (cert.isEmpty || key.isEmpty) {
            throw KubeconfigError("getting credentials: exec plugin \(spec.command) didn't return a token or cert/key pair")
        }
        var expiry: Double?
        if let stamp = status["expirationTimestamp"]?.stringValue, !stamp.isEmpty {
            guard let parsed = RFC3339.parse(stamp) else {
                throw KubeconfigError("getting credentials: bad expirationTimestamp \"\(stamp)\" from \(spec.command)")
            }
            expiry = parsed
        }
        return ExecCredential(token: token, clientCertificatePEM: cert, clientKeyPEM: key, expiresAt: expiry)
    }

    static func stripANSI(_ text: String) -> String {
        var out = ""
        var inEscape = false
        for scalar in text.unicodeScalars {
            if inEscape {
                if (0x40...0x7E).contains(scalar.value) && scalar != "[" { inEscape = false }
                continue
            }
            if scalar == "\u{1B}" { inEscape = true; continue }
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}

public func currentTime() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
