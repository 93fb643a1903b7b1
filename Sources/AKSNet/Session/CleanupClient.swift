import KubeClient

extension KubeClient {
    /// The client cleanup paths use: they run when things already went wrong, so they retry harder.
    var forCleanup: KubeClient { withRetry(.cleanup) }
}
