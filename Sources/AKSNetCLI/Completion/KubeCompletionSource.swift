import KubeClient
import KubeConfig
import KubeModel

/// Completion's names from the user's kubeconfig and cluster: one request each, a 2 s request
/// timeout and no retry; any failure (no kubeconfig, no server, 403) is an empty list.
struct KubeCompletionSource: CompletionSource {
    static let requestTimeout = "2s"
    let overrides: ConfigOverrides
    let client: KubeClient?

    init(overrides: ConfigOverrides) {
        var bounded = overrides
        bounded.requestTimeout = Self.requestTimeout
        self.overrides = bounded
        let noRetry = RetryPolicy(maxRetries: 0, maxBackoffRetries: 0, baseDelay: 0, maxDelay: 0, maxRetryAfter: 0, totalTime: 2)
        client = (try? KubeClient.fromKubeconfig(overrides: bounded))?.withRetry(noRetry)
    }

    func names(_ path: ResourcePath) -> [String] {
        guard let client, let listed = try? client.list(path, pageSize: 500) else { return [] }
        return listed.items.compactMap(\.metadataName).sorted()
    }

    func pods(namespace: String?) -> [String] {
        guard let client else { return [] }
        return names(.pods(namespace ?? client.config.namespace))
    }

    func deployments(namespace: String?) -> [String] {
        guard let client else { return [] }
        return names(ResourcePath(group: "apps", resource: "deployments", namespace: namespace ?? client.config.namespace))
    }

    func nodes() -> [String] { names(.nodes()) }
    func namespaces() -> [String] { names(.namespaces()) }

    var kubeconfig: Kubeconfig? {
        (try? KubeconfigLoader(explicitPath: overrides.kubeconfig, environment: .current()).load())?.config
    }

    func contexts() -> [String] { kubeconfig?.contexts.map(\.name).sorted() ?? [] }
    func clusters() -> [String] { kubeconfig?.clusters.map(\.name).sorted() ?? [] }
    func users() -> [String] { kubeconfig?.users.map(\.name).sorted() ?? [] }
}
