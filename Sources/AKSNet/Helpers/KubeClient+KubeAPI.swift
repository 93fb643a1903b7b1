import KubeClient

/// KubeClient already has every verb with these signatures; only the port-forward (a concrete
/// stream type) and the cleanup budget need a word of their own.
extension KubeClient: KubeAPI {
    public func openPortForward(namespace: String, pod: String, port: UInt16) throws(KubeError) -> any PortForwardConnection {
        try portForward(namespace: namespace, pod: pod, port: port)
    }

    public var forCleanup: any KubeAPI { withRetry(.cleanup) }
}

extension PortForwardStream: PortForwardConnection {}
