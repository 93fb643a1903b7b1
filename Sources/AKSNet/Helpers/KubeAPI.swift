import KubeClient
import KubeModel

/// What the domain asks of a cluster: the verbs helpers, target resolution, mode choice and
/// cleanup use, and nothing of the transport. `KubeClient` conforms (KubeClient+KubeAPI.swift);
/// tests give an in-memory fake, so orchestration is tested without a lab.
///
/// Requirements spell every parameter (a requirement cannot have defaults); the extension
/// below gives the short forms the domain calls.
public protocol KubeAPI: Sendable {
    func get(_ resource: ResourcePath) throws(KubeError) -> JSONValue
    func list(_ resource: ResourcePath, labelSelector: String?, fieldSelector: String?,
              pageSize: Int) throws(KubeError) -> (items: [JSONValue], resourceVersion: String)
    func create(_ resource: ResourcePath, _ object: JSONValue) throws(KubeError) -> JSONValue
    func patch(_ resource: ResourcePath, _ patch: JSONValue, type: PatchType) throws(KubeError) -> JSONValue
    func delete(_ resource: ResourcePath, gracePeriodSeconds: Int?,
                propagation: DeletionPropagation?) throws(KubeError) -> JSONValue
    /// Blocks until `handler` says stop or `isCancelled` turns true (KubeClient.watch's contract).
    func watch(_ resource: ResourcePath, resourceVersion: String?, labelSelector: String?, fieldSelector: String?,
               maxConsecutiveFailures: Int?, isCancelled: @escaping @Sendable () -> Bool,
               handler: @escaping (WatchEvent) -> KubeClient.WatchDecision) throws(KubeError)
    /// exec or attach (by `request.kind`); blocks until the process or the stream ends.
    func exec(_ request: ExecRequest, io: ExecIO) throws(KubeError) -> Int32
    func logs(namespace: String, pod: String, container: String, tailLines: Int?) throws(KubeError) -> String
    /// A port-forward stream to `port` of a pod, ready to pump.
    func openPortForward(namespace: String, pod: String, port: UInt16) throws(KubeError) -> any PortForwardConnection
    /// The same cluster with the cleanup retry budget (`RetryPolicy.cleanup`): cleanup runs when
    /// things already went wrong, so it retries harder.
    var forCleanup: any KubeAPI { get }
}

/// One port-forward stream: bytes from `readFD` go to the pod's port, its bytes to `writeFD`.
public protocol PortForwardConnection: AnyObject {
    func pump(readFD: Int32, writeFD: Int32) throws(KubeError)
}

extension KubeAPI {
    public func list(_ resource: ResourcePath, labelSelector: String? = nil,
                     fieldSelector: String? = nil) throws(KubeError) -> (items: [JSONValue], resourceVersion: String) {
        try list(resource, labelSelector: labelSelector, fieldSelector: fieldSelector, pageSize: 500)
    }

    @discardableResult
    public func delete(_ resource: ResourcePath, gracePeriodSeconds: Int? = nil) throws(KubeError) -> JSONValue {
        try delete(resource, gracePeriodSeconds: gracePeriodSeconds, propagation: nil)
    }

    public func watch(_ resource: ResourcePath, fieldSelector: String? = nil, isCancelled: @escaping @Sendable () -> Bool,
                      handler: @escaping (WatchEvent) -> KubeClient.WatchDecision) throws(KubeError) {
        try watch(resource, resourceVersion: nil, labelSelector: nil, fieldSelector: fieldSelector,
                  maxConsecutiveFailures: nil, isCancelled: isCancelled, handler: handler)
    }

    public func logs(namespace: String, pod: String, container: String) throws(KubeError) -> String {
        try logs(namespace: namespace, pod: pod, container: container, tailLines: nil)
    }
}

extension KubeAPI {
    /// `GET /version` as the server sent it. A cluster that cannot say (an in-memory fake)
    /// answers not found; KubeClient asks the server (KubeClient+KubeAPI.swift).
    public func serverVersion() throws(KubeError) -> JSONValue {
        if let client = self as? KubeClient { return try client.json(HTTPRequest(path: "/version")) }
        throw KubeError(kind: .notFound, httpStatus: 404, message: "the server could not find the requested resource (get /version)")
    }
}
