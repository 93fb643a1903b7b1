@testable import AKSNetLab
import KubeModel
import Testing

/// The DaemonSet controller's decisions as a table: where pods go, what is deleted.
@Suite struct DaemonSetPlanTests {
    static func node(_ name: String, os: String = "linux", ready: Bool = true, taints: [JSONValue] = [], pool: String = "np1") -> JSONValue {
        ["apiVersion": "v1", "kind": "Node",
         "metadata": ["name": .string(name), "labels": ["kubernetes.io/os": .string(os), "agentpool": .string(pool)]],
         "spec": ["taints": .array(taints)],
         "status": ["conditions": [["type": "Ready", "status": ready ? "True" : "False"]]]]
    }

    static func set(_ name: String = "ds", uid: String = "u1", spec: JSONValue = ["nodeSelector": ["kubernetes.io/os": "linux"]],
                    emulated: Bool = false) -> JSONValue {
        var metadata: JSONValue = ["name": .string(name), "namespace": "ns", "uid": .string(uid)]
        if emulated { metadata.set(path: ["annotations", DaemonSetPlan.emulatedAnnotation], "true") }
        return ["apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": metadata,
                "spec": ["template": ["metadata": ["labels": ["app": "x"]], "spec": spec]]]
    }

    static func pod(_ name: String, node: String, owner: String?) -> JSONValue {
        var metadata: JSONValue = ["name": .string(name), "namespace": "ns"]
        if let owner { metadata.set("ownerReferences", [["kind": "DaemonSet", "uid": .string(owner), "controller": true]]) }
        return ["apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": ["nodeName": .string(node)]]
    }

    static let nodes = [node("a"), node("b"), node("w", os: "windows"), node("down", ready: false),
                        node("tainted", taints: [["key": "sku", "value": "gpu", "effect": "NoSchedule"]])]

    @Test func aPodPerFittingNode() {
        let actions = DaemonSetPlan.actions(daemonSets: [Self.set()], nodes: Self.nodes, pods: [Self.pod("p", node: "a", owner: "u1")])
        #expect(actions.create.map(\.node) == ["b"])
        #expect(actions.delete.isEmpty)
    }

    @Test func tolerateEverythingAndPinByName() {
        let spec: JSONValue = ["tolerations": [["operator": "Exists"]],
                               "affinity": ["nodeAffinity": ["requiredDuringSchedulingIgnoredDuringExecution": ["nodeSelectorTerms": [
                                   ["matchFields": [["key": "metadata.name", "operator": "In", "values": ["tainted", "w", "b"]]]]]]]],
                               "nodeSelector": ["kubernetes.io/os": "linux"]]
        let actions = DaemonSetPlan.actions(daemonSets: [Self.set(spec: spec)], nodes: Self.nodes, pods: [])
        #expect(actions.create.map(\.node) == ["b", "tainted"])
    }

    @Test func labelExpressions() {
        let spec: JSONValue = ["affinity": ["nodeAffinity": ["requiredDuringSchedulingIgnoredDuringExecution": ["nodeSelectorTerms": [
            ["matchExpressions": [["key": "agentpool", "operator": "In", "values": ["np2"]]]]]]]]]
        let nodes = [Self.node("a"), Self.node("c", pool: "np2")]
        #expect(DaemonSetPlan.actions(daemonSets: [Self.set(spec: spec)], nodes: nodes, pods: []).create.map(\.node) == ["c"])
    }

    @Test func strayDuplicateAndOrphanPodsAreDeleted() {
        let pods = [Self.pod("p1", node: "a", owner: "u1"), Self.pod("p2", node: "a", owner: "u1"), Self.pod("p3", node: "w", owner: "u1"),
                    Self.pod("orphan", node: "a", owner: "gone"), Self.pod("mine", node: "a", owner: nil)]
        let actions = DaemonSetPlan.actions(daemonSets: [Self.set()], nodes: Self.nodes, pods: pods)
        #expect(actions.delete.sorted { $0[1] < $1[1] } == [["ns", "orphan"], ["ns", "p2"], ["ns", "p3"]])
        #expect(actions.create.map(\.node) == ["b"])
    }

    @Test func theLabsOwnKubeSystemDaemonSetsGetNoPods() {
        #expect(DaemonSetPlan.actions(daemonSets: [Self.set(emulated: true)], nodes: Self.nodes, pods: []) == DaemonSetPlan.Actions())
    }

    @Test func thePodIsOwnedPinnedAndBound() {
        let pod = DaemonSetPlan.pod(for: Self.set(), node: "b", suffix: "x2b4z")
        #expect(pod["metadata"]?["name"]?.stringValue == "ds-x2b4z")
        #expect(pod["metadata"]?["ownerReferences"] == [["apiVersion": "apps/v1", "kind": "DaemonSet", "name": "ds", "uid": "u1",
                                                        "controller": true, "blockOwnerDeletion": true]])
        #expect(pod["spec"]?["nodeName"]?.stringValue == "b")
        #expect(pod["metadata"]?["labels"]?["app"]?.stringValue == "x")
    }
}
