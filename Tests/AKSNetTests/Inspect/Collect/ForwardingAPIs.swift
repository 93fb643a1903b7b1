@testable import AKSNet
import KubeClient
import KubeModel
import Synchronization

/// A `KubeAPI` that passes every call to the fake, for tests that change one verb.
class ForwardingAPI: KubeAPI, @unchecked Sendable {
    let base: FakeKubeAPI
    init(base: FakeKubeAPI) { self.base = base }

    func get(_ resource: ResourcePath) throws(KubeError) -> JSONValue { try base.get(resource) }
    func list(_ resource: ResourcePath, labelSelector: String?, fieldSelector: String?,
              pageSize: Int) throws(KubeError) -> (items: [JSONValue], resourceVersion: String) {
        try base.list(resource, labelSelector: labelSelector, fieldSelector: fieldSelector, pageSize: pageSize)
    }
    func create(_ resource: ResourcePath, _ object: JSONValue) throws(KubeError) -> JSONValue { try base.create(resource, object) }
    func patch(_ resource: ResourcePath, _ patch: JSONValue, type: PatchType) throws(KubeError) -> JSONValue {
        try base.patch(resource, patch, type: type)
    }
    func delete(_ resource: ResourcePath, gracePeriodSeconds: Int?, propagation: DeletionPropagation?) throws(KubeError) -> JSONValue {
        try base.delete(resource, gracePeriodSeconds: gracePeriodSeconds, propagation: propagation)
    }
    func watch(_ resource: ResourcePath, resourceVersion: String?, labelSelector: String?, fieldSelector: String?,
               maxConsecutiveFailures: Int?, isCancelled: @escaping @Sendable () -> Bool,
               handler: @escaping (WatchEvent) -> KubeClient.WatchDecision) throws(KubeError) {
        try base.watch(resource, resourceVersion: resourceVersion, labelSelector: labelSelector, fieldSelector: fieldSelector,
                       maxConsecutiveFailures: maxConsecutiveFailures, isCancelled: isCancelled, handler: handler)
    }
    func exec(_ request: ExecRequest, io: ExecIO) throws(KubeError) -> Int32 { try base.exec(request, io: io) }
    func logs(namespace: String, pod: String, container: String, tailLines: Int?) throws(KubeError) -> String {
        try base.logs(namespace: namespace, pod: pod, container: container, tailLines: tailLines)
    }
    func openPortForward(namespace: String, pod: String, port: UInt16) throws(KubeError) -> any PortForwardConnection {
        try base.openPortForward(namespace: namespace, pod: pod, port: port)
    }
    var forCleanup: any KubeAPI { self }
}

/// Answers SelfSubjectAccessReviews: allowed unless the subresource (or "" for pods) is denied.
final class ReviewingAPI: ForwardingAPI, @unchecked Sendable {
    let denied: Set<String>
    init(base: FakeKubeAPI, denied: Set<String>) {
        self.denied = denied
        super.init(base: base)
    }

    override func create(_ resource: ResourcePath, _ object: JSONValue) throws(KubeError) -> JSONValue {
        guard resource.resource == "selfsubjectaccessreviews" else { return try base.create(resource, object) }
        let sub = object["spec"]?["resourceAttributes"]?["subresource"]?.stringValue ?? ""
        return object.setting(["status"], to: ["allowed": .bool(!denied.contains(sub))])
    }
}

/// What a DaemonSet controller does, done at create time: a Running pod per node the
/// DaemonSet's affinity names, owned by it; deleting the DaemonSet deletes them.
final class FakeDaemonSetController: ForwardingAPI, @unchecked Sendable {
    let created = Mutex<JSONValue?>(nil)
    init(api: FakeKubeAPI) { super.init(base: api) }

    override func create(_ resource: ResourcePath, _ object: JSONValue) throws(KubeError) -> JSONValue {
        let made = try base.create(resource, object)
        guard resource.resource == "daemonsets" else { return made }
        created.withLock { $0 = object }
        let terms = object["spec"]?["template"]?["spec"]?["affinity"]?["nodeAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"]?["nodeSelectorTerms"]
        let nodes = terms?.arrayValue?.first?["matchFields"]?.arrayValue?.first?["values"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for node in nodes {
            let pod: JSONValue = ["apiVersion": "v1", "kind": "Pod",
                                  "metadata": ["name": .string("\(object.metadataName ?? "")-\(node)"), "namespace": "aksnet-system",
                                               "labels": object["spec"]?["template"]?["metadata"]?["labels"] ?? .null],
                                  "spec": (object["spec"]?["template"]?["spec"] ?? .null).setting(["nodeName"], to: .string(node)),
                                  "status": ["phase": "Running", "containerStatuses": [["name": "aksnet", "state": ["running": [:]]]]]]
            base.put(pod)
        }
        return made
    }
}
