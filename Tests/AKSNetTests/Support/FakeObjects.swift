import KubeModel

/// Objects as a real API server stores them, small enough to read in a test.
enum FakeObjects {
    static func node(_ name: String, os: String = "linux") -> JSONValue {
        ["apiVersion": "v1", "kind": "Node",
         "metadata": ["name": .string(name), "labels": ["kubernetes.io/os": .string(os)]],
         "status": ["addresses": [["type": "InternalIP", "address": "10.224.0.4"]]]]
    }

    static func namespace(_ name: String, enforce: String? = nil) -> JSONValue {
        var labels = JSONObject()
        if let enforce { labels["pod-security.kubernetes.io/enforce"] = .string(enforce) }
        return ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name), "labels": .object(labels)]]
    }

    /// A pod on `node`, Running unless `phase` says otherwise.
    static func pod(_ name: String, namespace: String = "default", node: String = "n1", phase: String = "Running",
                    labels: JSONValue = ["app": "web"], containers: [String] = ["main"], image: String = "busybox",
                    ip: String = "10.244.0.5", hostNetwork: Bool = false, created: String = "2026-01-01T00:00:00Z") -> JSONValue {
        let statuses: [JSONValue] = containers.map { container in
            phase == "Running" ? ["name": .string(container), "state": ["running": ["startedAt": .string(created)]]]
                : ["name": .string(container), "state": ["waiting": ["reason": "ContainerCreating"]]]
        }
        return ["apiVersion": "v1", "kind": "Pod",
                "metadata": ["name": .string(name), "namespace": .string(namespace), "labels": labels,
                             "creationTimestamp": .string(created)],
                "spec": ["nodeName": .string(node), "hostNetwork": .bool(hostNetwork),
                         "containers": .array(containers.map { ["name": .string($0), "image": .string(image)] })],
                "status": ["phase": .string(phase), "podIP": .string(ip), "containerStatuses": .array(statuses)]]
    }

    static func deployment(_ name: String, namespace: String = "default", matchLabels: JSONValue) -> JSONValue {
        ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": .string(name), "namespace": .string(namespace)],
         "spec": ["selector": ["matchLabels": matchLabels]]]
    }

    static func warningEvent(pod: String, namespace: String, reason: String, message: String) -> JSONValue {
        ["apiVersion": "v1", "kind": "Event",
         "metadata": ["name": .string("\(pod).1"), "namespace": .string(namespace)],
         "involvedObject": ["name": .string(pod)], "type": "Warning", "reason": .string(reason), "message": .string(message)]
    }
}
