import Foundation
import KubeModel

/// The lab's DaemonSet controller (and, for DaemonSets, the garbage collector): watches
/// DaemonSets, nodes and pods and keeps one pod per fitting node for each DaemonSet
/// (DaemonSetPlan), owned by it through `ownerReferences`; a pod whose DaemonSet is deleted is
/// deleted too. Keeps `status` counts as `kubectl get ds` shows them. One serial queue;
/// bursts coalesced.
final class DaemonSetController: @unchecked Sendable {
    private let store: LabStore
    private let loop: ReconcileLoop

    init(store: LabStore) {
        self.store = store
        loop = ReconcileLoop(label: "aksnet.lab.daemonsets", store: store, resources: [.daemonSets, .nodes, .pods])
    }

    func start() throws {
        try loop.start { [weak self] in self?.sync() }
    }

    func stop() { loop.stop() }

    private func sync() {
        guard let sets = try? store.list(.daemonSets, namespace: nil).items,
              let nodes = try? store.list(.nodes, namespace: nil).items,
              let pods = try? store.list(.pods, namespace: nil).items else { return }
        let actions = DaemonSetPlan.actions(daemonSets: sets, nodes: nodes, pods: pods)
        for create in actions.create {
            let pod = DaemonSetPlan.pod(for: create.daemonSet, node: create.node, suffix: Self.suffix())
            _ = try? store.create(.pods, namespace: pod.metadataNamespace, object: pod)
        }
        for target in actions.delete where target.count == 2 {
            _ = try? store.delete(.pods, namespace: target[0], name: target[1], gracePeriodSeconds: 0)
        }
        updateStatus(sets: sets, nodes: nodes, pods: pods)
    }

    private func updateStatus(sets: [JSONValue], nodes: [JSONValue], pods: [JSONValue]) {
        for set in sets where set["metadata"]?["annotations"]?[DaemonSetPlan.emulatedAnnotation]?.stringValue != "true" {
            guard let uid = set["metadata"]?["uid"]?.stringValue else { continue }
            let owned = pods.filter { DaemonSetPlan.ownerUID($0) == uid }
            let desired = nodes.filter { DaemonSetPlan.fits(set, on: $0) }.count
            let ready = owned.filter { $0["status"]?["phase"]?.stringValue == "Running" }.count
            let status: JSONValue = ["currentNumberScheduled": .int(Int64(owned.count)), "desiredNumberScheduled": .int(Int64(desired)),
                                     "numberMisscheduled": 0, "numberReady": .int(Int64(ready)), "numberAvailable": .int(Int64(ready)),
                                     "updatedNumberScheduled": .int(Int64(owned.count)),
                                     "observedGeneration": set["metadata"]?["generation"] ?? 1]
            guard set["status"] != status else { continue }
            _ = try? store.modify(.daemonSets, namespace: set.metadataNamespace, name: set.name) { current in
                current.set("status", status)
            }
        }
    }

    /// Five characters of [a-z0-9] as the API server's generateName makes them.
    static func suffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet.randomElement() ?? "x" })
    }
}
