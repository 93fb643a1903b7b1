@testable import AKSNet
import KubeClient
import KubeModel
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An in-memory cluster behind `KubeAPI`: objects stored as JSON, a created pod (or added
/// ephemeral container) turns Running on the next watch event, scripted faults, and a log of
/// every call (with whether it went through the cleanup retry budget). No threads, no sockets:
/// orchestration tests run in milliseconds. What it does not do: retries, paging, exec output
/// beyond `execReply`, port-forward (refused), real selectors beyond `a=b,c=d`.
final class FakeKubeAPI: KubeAPI {
    /// Trouble a test asks for.
    enum Fault: Hashable, Sendable {
        /// Every pod create is refused with 403 and this message.
        case createForbidden(String)
        /// Created pods and added ephemeral containers wait in ErrImagePull.
        case imagePullFails
        /// Created pods stay Pending (never scheduled).
        case neverRuns
        /// The first delete of the pod of this name fails with a 500.
        case deleteFailsOnce(String)
    }

    struct Call: Equatable, Sendable {
        var verb: String
        var path: String
        var cleanup: Bool
    }

    final class Store: Sendable {
        struct State {
            var objects: [String: JSONValue] = [:]
            var calls: [Call] = []
            var faults: Set<Fault> = []
            var starting: Set<String> = []
            var startingEphemeral: [(key: String, container: String)] = []
            var execs: [ExecRequest] = []
            var execReply: @Sendable (ExecRequest) -> (code: Int32, stdout: String) = { _ in (0, "") }
        }
        let state = Mutex(State())
    }

    let store: Store
    let isCleanup: Bool

    init(_ objects: [JSONValue] = [], faults: Set<Fault> = []) {
        store = Store()
        isCleanup = false
        for object in objects { put(object) }
        store.state.withLock { $0.faults = faults }
    }

    private init(store: Store) {
        self.store = store
        isCleanup = true
    }

    var forCleanup: any KubeAPI { FakeKubeAPI(store: store) }

    // MARK: what tests look at

    var calls: [Call] { store.state.withLock { $0.calls } }
    var execs: [ExecRequest] { store.state.withLock { $0.execs } }
    func object(_ resource: ResourcePath) -> JSONValue? { store.state.withLock { $0.objects[Self.key(resource)] } }
    func pods(in namespace: String) -> [String] {
        store.state.withLock { state in
            state.objects.filter { $0.key.hasPrefix("|pods|\(namespace)|") }.compactMap { $0.value.metadataName }.sorted()
        }
    }
    func setFaults(_ faults: Set<Fault>) { store.state.withLock { $0.faults = faults } }
    func setExecReply(_ reply: @escaping @Sendable (ExecRequest) -> (code: Int32, stdout: String)) {
        store.state.withLock { $0.execReply = reply }
    }

    /// Stores an object as it is (no defaults, no transitions).
    func put(_ object: JSONValue) {
        store.state.withLock { $0.objects[Self.key(Self.path(of: object))] = object }
    }

    static func path(of object: JSONValue) -> ResourcePath {
        let kind = object["kind"]?.stringValue ?? ""
        let group = (object["apiVersion"]?.stringValue ?? "v1").split(separator: "/").dropLast().first.map(String.init) ?? ""
        let resource = kind.lowercased() + "s"
        return ResourcePath(group: group, resource: resource, namespace: object.metadataNamespace, name: object.metadataName)
    }

    static func key(_ path: ResourcePath) -> String {
        "\(path.group)|\(path.resource)|\(path.namespace ?? "")|\(path.name ?? "")"
    }

    private func record(_ verb: String, _ resource: ResourcePath) {
        store.state.withLock { $0.calls.append(Call(verb: verb, path: resource.path, cleanup: isCleanup)) }
    }

    static func error(_ code: Int, _ kind: KubeError.Kind, _ reason: String, _ message: String) -> KubeError {
        KubeError(kind: kind, httpStatus: code, status: Status(message: message, reason: reason, code: code), message: message)
    }

    static func notFound(_ resource: ResourcePath) -> KubeError {
        error(404, .notFound, "NotFound", "\(resource.resource) \"\(resource.name ?? "")\" not found")
    }

    private var forbiddenMessage: String? {
        store.state.withLock { state in
            for fault in state.faults { if case .createForbidden(let message) = fault { return message } }
            return nil
        }
    }

    // MARK: KubeAPI

    func get(_ resource: ResourcePath) throws(KubeError) -> JSONValue {
        record("get", resource)
        guard let object = store.state.withLock({ $0.objects[Self.key(resource)] }) else { throw Self.notFound(resource) }
        return object
    }

    func list(_ resource: ResourcePath, labelSelector: String?, fieldSelector: String?,
              pageSize: Int) throws(KubeError) -> (items: [JSONValue], resourceVersion: String) {
        record("list", resource)
        let prefix = "\(resource.group)|\(resource.resource)|" + (resource.namespace.map { "\($0)|" } ?? "")
        let items = store.state.withLock { state in
            state.objects.filter { $0.key.hasPrefix(prefix) }.sorted { $0.key < $1.key }.map(\.value)
        }
        return (items.filter { $0.matches(labelSelector: labelSelector) && $0.matches(fieldSelector: fieldSelector) }, "1")
    }

    func create(_ resource: ResourcePath, _ object: JSONValue) throws(KubeError) -> JSONValue {
        record("create", resource)
        var made = object
        if resource.resource == "pods" {
            if let message = forbiddenMessage {
                throw Self.error(403, .forbidden, "Forbidden", message)
            }
            made = made.setting(["metadata", "namespace"], to: .string(resource.namespace ?? "default"))
                .setting(["metadata", "creationTimestamp"], to: .string(RFC3339.format(WallClock.now)))
                .setting(["status"], to: ["phase": "Pending"])
        }
        let key = Self.key(Self.path(of: made))
        return try store.state.withLock { state throws(KubeError) -> JSONValue in
            if state.objects[key] != nil {
                throw Self.error(409, .conflict, "AlreadyExists", "\(resource.resource) \"\(made.metadataName ?? "")\" already exists")
            }
            state.objects[key] = made
            if resource.resource == "pods" { state.starting.insert(key) }
            return made
        }
    }

    func patch(_ resource: ResourcePath, _ patch: JSONValue, type: PatchType) throws(KubeError) -> JSONValue {
        record("patch", resource)
        var target = resource
        target.subresource = nil
        let key = Self.key(target)
        guard resource.subresource == "ephemeralcontainers" else {
            throw Self.error(415, .server, "UnsupportedMediaType", "the fake patches only ephemeralcontainers")
        }
        return try store.state.withLock { state throws(KubeError) -> JSONValue in
            guard let pod = state.objects[key] else { throw Self.notFound(target) }
            let added = patch["spec"]?["ephemeralContainers"]?.arrayValue ?? []
            let updated = pod.setting(["spec", "ephemeralContainers"], to: .array((pod["spec"]?["ephemeralContainers"]?.arrayValue ?? []) + added))
            state.objects[key] = updated
            for container in added { state.startingEphemeral.append((key, container["name"]?.stringValue ?? "")) }
            return updated
        }
    }

    func delete(_ resource: ResourcePath, gracePeriodSeconds: Int?,
                propagation: DeletionPropagation?) throws(KubeError) -> JSONValue {
        record("delete", resource)
        let key = Self.key(resource)
        return try store.state.withLock { state throws(KubeError) -> JSONValue in
            if state.faults.remove(.deleteFailsOnce(resource.name ?? "")) != nil {
                throw Self.error(500, .server, "InternalError", "etcdserver: request timed out")
            }
            guard state.objects.removeValue(forKey: key) != nil else { throw Self.notFound(resource) }
            return .null
        }
    }

    func logs(namespace: String, pod: String, container: String, tailLines: Int?) throws(KubeError) -> String {
        record("logs", .pods(namespace, pod))
        return ""
    }

    func openPortForward(namespace: String, pod: String, port: UInt16) throws(KubeError) -> any PortForwardConnection {
        record("portforward", .pods(namespace, pod))
        throw KubeError(kind: .streamClosed, message: "the fake has no port-forward: connection refused")
    }
}
