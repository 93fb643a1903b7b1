import KubeModel

/// Finds and merges kubeconfig files with kubectl's precedence:
/// `--kubeconfig` (must exist), else every file in `KUBECONFIG` (missing ones
/// skipped; the first file to define a name wins), else `~/.kube/config`.
public struct KubeconfigLoader: Sendable {
    public var explicitPath: String?
    public var environment: Environment

    public init(explicitPath: String? = nil, environment: Environment) {
        self.explicitPath = explicitPath
        self.environment = environment
    }

    /// The files considered, in precedence order, as absolute paths.
    public var candidateFiles: [String] {
        if let explicitPath, !explicitPath.isEmpty {
            return [Paths.makeAbsolute(explicitPath, cwd: environment.cwd)]
        }
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            var seen = Set<String>()
            var files: [String] = []
            for entry in list.split(separator: ":", omittingEmptySubsequences: true) {
                let path = Paths.makeAbsolute(String(entry), cwd: environment.cwd)
                if seen.insert(path).inserted { files.append(path) }
            }
            return files
        }
        return [Paths.join(environment.home, ".kube/config")]
    }

    /// Loads and merges; the result also lists the files that were read.
    public func load() throws(KubeconfigError) -> (config: Kubeconfig, files: [String]) {
        var loaded: [Kubeconfig] = []
        var read: [String] = []
        let mustExist = explicitPath?.isEmpty == false
        for path in candidateFiles {
            let bytes: [UInt8]
            switch Files.read(path) {
            case .success(let b): bytes = b
            case .failure(let error):
                if error.isMissing && !mustExist { continue }
                if error.isMissing { throw KubeconfigError("kubeconfig \"\(path)\" (from --kubeconfig) does not exist") }
                throw KubeconfigError("error loading config file \"\(path)\": \(error.reason)")
            }
            loaded.append(try Self.parse(bytes, origin: path))
            read.append(path)
        }
        return (Self.merge(loaded), read)
    }

    /// Parses one file (YAML or JSON, an empty file is an empty config).
    public static func parse(_ bytes: [UInt8], origin: String) throws(KubeconfigError) -> Kubeconfig {
        let document: JSONValue
        do {
            document = try YAMLReader.read(bytes: bytes)
        } catch {
            throw KubeconfigError("error loading config file \"\(origin)\": \(error)")
        }
        do {
            return try Kubeconfig.decode(document, origin: origin)
        } catch {
            throw KubeconfigError("error loading config file \"\(origin)\": \(error.message)")
        }
    }

    /// First file wins for every named entry (whole entries, never field by
    /// field) and for a non-empty current-context.
    public static func merge(_ configs: [Kubeconfig]) -> Kubeconfig {
        var merged = Kubeconfig()
        for config in configs {
            for entry in config.clusters where merged.cluster(entry.name) == nil { merged.clusters.append(entry) }
            for entry in config.users where merged.user(entry.name) == nil { merged.users.append(entry) }
            for entry in config.contexts where merged.context(entry.name) == nil { merged.contexts.append(entry) }
            for entry in config.extensions where !merged.extensions.contains(where: { $0.name == entry.name }) {
                merged.extensions.append(entry)
            }
            if merged.currentContext.isEmpty { merged.currentContext = config.currentContext }
            for (key, value) in config.preferences where merged.preferences[key] == nil {
                merged.preferences[key] = value
            }
        }
        return merged
    }
}
