import KubeConfig
import KubeModel

/// Typed verbs over the transport: get, list (paged), create, replace,
/// patch, delete, watch, and the server's version. Calls block their thread;
/// `watchEvents` gives an async stream.
public final class KubeClient: Sendable {
    public let transport: CurlTransport

    public init(transport: CurlTransport) {
        self.transport = transport
    }

    public convenience init(config: RESTConfig) {
        self.init(transport: CurlTransport(config: config))
    }

    /// Resolves the user's kubeconfig with kubectl's rules and the given flags.
    public static func fromKubeconfig(overrides: ConfigOverrides,
                                      environment: Environment = .current()) throws(KubeError) -> KubeClient {
        do {
            let config = try ConfigResolver(overrides: overrides, environment: environment).resolve()
            return KubeClient(transport: CurlTransport(config: config, environment: environment.variables))
        } catch {
            throw KubeError.configuration(error)
        }
    }

    public var config: RESTConfig { transport.config }

    /// A client that retries by `policy`, sharing this one's connections and
    /// credentials: `client.withRetry(.cleanup).delete(…)` for paths that
    /// must not leave a helper pod or process behind when the server is busy.
    public func withRetry(_ policy: RetryPolicy) -> KubeClient {
        KubeClient(transport: transport.withRetry(policy))
    }

    // MARK: generic

    /// Sends a request; a non-2xx answer becomes a KubeError, a 2xx one is parsed as JSON.
    public func json(_ request: HTTPRequest) throws(KubeError) -> JSONValue {
        let response = try transport.send(request)
        guard response.isSuccess else {
            throw KubeError.fromResponse(code: response.status, body: response.body, server: config.server)
        }
        if response.body.isEmpty { return .null }
        do {
            return try JSONValue.parse(response.body)
        } catch {
            throw KubeError(kind: .invalidResponse, httpStatus: response.status,
                            message: "invalid JSON from \(config.server)\(request.path): \(error)", server: config.server)
        }
    }

    public func version() throws(KubeError) -> VersionInfo {
        VersionInfo(json: try json(HTTPRequest(path: "/version")))
    }

    public func get(_ resource: ResourcePath) throws(KubeError) -> JSONValue {
        try json(HTTPRequest(path: resource.path))
    }

    /// All items, following `continue` tokens page by page.
    public func list(_ resource: ResourcePath, labelSelector: String? = nil, fieldSelector: String? = nil,
                     pageSize: Int = 500) throws(KubeError) -> (items: [JSONValue], resourceVersion: String) {
        var items: [JSONValue] = []
        var token: String?
        var resourceVersion = ""
        repeat {
            var query: [(String, String)] = [("limit", String(pageSize))]
            if let labelSelector, !labelSelector.isEmpty { query.append(("labelSelector", labelSelector)) }
            if let fieldSelector, !fieldSelector.isEmpty { query.append(("fieldSelector", fieldSelector)) }
            if let token { query.append(("continue", token)) }
            let page = try json(HTTPRequest(path: resource.path + "?" + URLEncoding.queryString(query)))
            items += page.items
            resourceVersion = page.resourceVersion ?? resourceVersion
            token = page.listContinue
        } while token != nil
        return (items, resourceVersion)
    }

    /// POSTs the object. If the answer is lost after sending, an object that
    /// names itself is looked up instead of being sent twice (and returned if
    /// the create had happened); one with only generateName is not retried.
    public func create(_ resource: ResourcePath, _ object: JSONValue) throws(KubeError) -> JSONValue {
        var target = resource
        target.name = nil
        var named: String?
        if let name = object.metadataName, !name.isEmpty, target.subresource == nil { named = target.named(name).path }
        return try json(HTTPRequest(method: "POST", path: target.path, body: Array(object.serialized().utf8),
                                    contentType: "application/json", createdObjectPath: named))
    }

    public func replace(_ resource: ResourcePath, _ object: JSONValue) throws(KubeError) -> JSONValue {
        try json(HTTPRequest(method: "PUT", path: resource.path, body: Array(object.serialized().utf8),
                             contentType: "application/json"))
    }

    public func patch(_ resource: ResourcePath, _ patch: JSONValue, type: PatchType) throws(KubeError) -> JSONValue {
        try json(HTTPRequest(method: "PATCH", path: resource.path, body: Array(patch.serialized().utf8),
                             contentType: type.rawValue))
    }

    @discardableResult
    public func delete(_ resource: ResourcePath, gracePeriodSeconds: Int? = nil,
                       propagation: DeletionPropagation? = nil) throws(KubeError) -> JSONValue {
        var options = JSONObject([("kind", "DeleteOptions"), ("apiVersion", "v1")])
        if let gracePeriodSeconds { options["gracePeriodSeconds"] = .int(Int64(gracePeriodSeconds)) }
        if let propagation { options["propagationPolicy"] = .string(propagation.rawValue) }
        return try json(HTTPRequest(method: "DELETE", path: resource.path, body: Array(JSONValue.object(options).serialized().utf8),
                                    contentType: "application/json"))
    }
}
