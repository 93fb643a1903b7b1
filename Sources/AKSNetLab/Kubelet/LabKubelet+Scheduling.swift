import Foundation
import KubeModel

extension LabKubelet {
    /// The OS a pod needs: `nodeSelector` kubernetes.io/os, else `spec.os.name`, else linux.
    static func requiredOS(_ pod: JSONValue) -> String {
        pod["spec"]?["nodeSelector"]?["kubernetes.io/os"]?.stringValue ?? pod["spec"]?["os"]?["name"]?.stringValue ?? "linux"
    }

    static func nodeOS(_ node: JSONValue) -> String { node.labels["kubernetes.io/os"] ?? "linux" }

    static func isReady(_ node: JSONValue) -> Bool {
        (node["status"]?["conditions"]?.arrayValue ?? []).contains {
            $0["type"]?.stringValue == "Ready" && $0["status"]?.stringValue == "True"
        } && node["spec"]?["unschedulable"]?.boolValue != true
    }

    /// Nodes a pod fits on: Ready, matching `nodeSelector` and the pod's OS (a Linux pod never
    /// lands on a Windows node). Pure, for tests.
    static func feasibleNodes(for pod: JSONValue, among nodes: [JSONValue]) -> [JSONValue] {
        let selector = (pod["spec"]?["nodeSelector"]?.objectValue ?? JSONObject()).compactMap { entry in
            entry.value.stringValue.map { (entry.key, $0) }
        }
        let os = requiredOS(pod)
        return nodes.filter { node in
            let labels = node.labels
            return isReady(node) && nodeOS(node) == os && selector.allSatisfy { labels[$0.0] == $0.1 }
        }
    }

    /// Binds an unscheduled pod round-robin to a feasible node; otherwise marks it
    /// Unschedulable (once per attempt round) and retries from the timer.
    func schedule(_ pod: JSONValue) {
        let namespace = pod.metadataNamespace ?? "default"
        let key = "\(namespace)/\(pod.name)"
        let now = Date().timeIntervalSince1970
        let nodes = (try? store.list(.nodes, namespace: nil).items) ?? []
        let feasible = Self.feasibleNodes(for: pod, among: nodes)
        guard !feasible.isEmpty else {
            let first = unscheduled[key] == nil
            unscheduled[key] = now
            let message = "0/\(nodes.count) nodes are available: \(nodes.count) node(s) didn't match Pod's node affinity/selector. "
                + "preemption: 0/\(nodes.count) nodes are available: \(nodes.count) Preemption is not helpful for scheduling."
            let condition: JSONValue = ["type": "PodScheduled", "status": "False", "lastProbeTime": .null,
                                        "lastTransitionTime": .string(RFC3339.format(now)), "reason": "Unschedulable",
                                        "message": .string(message)]
            if first {
                _ = try? store.modify(.pods, namespace: namespace, name: pod.name) { object in
                    object.set(path: ["status", "conditions"], [condition])
                }
                recordEvent(namespace: namespace, podName: pod.name, uid: pod["metadata"]?["uid"]?.stringValue ?? "",
                            fieldPath: nil, type: "Warning", reason: "FailedScheduling", message: message,
                            component: "default-scheduler", host: nil)
            }
            return
        }
        let node = feasible[schedulerCursor % feasible.count]
        schedulerCursor += 1
        unscheduled[key] = nil
        let nodeName = node.name
        let bound = try? store.modify(.pods, namespace: namespace, name: pod.name) { object in
            guard object["spec"]?["nodeName"]?.stringValue ?? "" == "" else { return }
            object.set(path: ["spec", "nodeName"], .string(nodeName))
            object.set(path: ["status", "conditions"], [["type": "PodScheduled", "status": "True", "lastProbeTime": .null,
                                                         "lastTransitionTime": .string(RFC3339.format(now))]])
        }
        if bound != nil {
            recordEvent(namespace: namespace, podName: pod.name, uid: pod["metadata"]?["uid"]?.stringValue ?? "",
                        fieldPath: nil, type: "Normal", reason: "Scheduled",
                        message: "Successfully assigned \(namespace)/\(pod.name) to \(nodeName)",
                        component: "default-scheduler", host: nil)
        }
    }

    /// Retries pods that found no node (nodes may have become Ready), every 2 s.
    func retryUnscheduled(now: Double) {
        for (key, last) in unscheduled where now - last >= 2 {
            unscheduled[key] = now
            let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, let pod = try? store.get(.pods, namespace: parts[0], name: parts[1]) else {
                unscheduled[key] = nil
                continue
            }
            if pod["spec"]?["nodeName"]?.stringValue ?? "" == "" { schedule(pod) } else { unscheduled[key] = nil }
        }
    }

    /// An Event object in the pod's namespace, as a kubelet or the scheduler writes it.
    func recordEvent(namespace: String, podName: String, uid: String, fieldPath: String?, type: String, reason: String,
                     message: String, component: String, host: String?) {
        let now = RFC3339.format(Date().timeIntervalSince1970)
        var involved: JSONValue = ["kind": "Pod", "namespace": .string(namespace), "name": .string(podName),
                                   "uid": .string(uid), "apiVersion": "v1"]
        if let fieldPath { involved.set("fieldPath", .string(fieldPath)) }
        var source: JSONValue = ["component": .string(component)]
        if let host { source.set("host", .string(host)) }
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let event: JSONValue = [
            "metadata": ["name": .string("\(podName).\(suffix)"), "namespace": .string(namespace)],
            "involvedObject": involved, "reason": .string(reason), "message": .string(message), "source": source,
            "firstTimestamp": .string(now), "lastTimestamp": .string(now), "count": 1, "type": .string(type),
            "eventTime": .null, "reportingComponent": .string(component), "reportingInstance": .string(host ?? ""),
        ]
        _ = try? store.create(.events, namespace: namespace, object: event)
    }

    func recordEvent(_ pod: KubeletPod, container: KubeletContainer?, type: String = "Normal", reason: String, message: String) {
        let fieldPath = container.map { c in
            c.ephemeral ? "spec.ephemeralContainers{\(c.name)}" : "spec.containers{\(c.name)}"
        }
        recordEvent(namespace: pod.namespace, podName: pod.name, uid: pod.uid, fieldPath: fieldPath, type: type,
                    reason: reason, message: message, component: "kubelet", host: pod.nodeName)
    }
}
