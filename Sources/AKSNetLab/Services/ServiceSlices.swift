import KubeModel

extension ServiceEndpoints {
    /// The IPv4 EndpointSlice the EndpointSlice controller keeps for a selector service: what
    /// `kubectl describe service` reads (by the `kubernetes.io/service-name` label).
    static func sliceObject(service: JSONValue, pods: [JSONValue]) -> JSONValue? {
        guard let name = service.metadataName, let backends = backends(of: service, in: pods) else { return nil }
        let namespace = service.metadataNamespace ?? "default"
        var endpoints: [JSONValue] = []
        for pod in backends {
            guard let ip = podIPv4(pod) else { continue }
            var endpoint: JSONValue = ["addresses": [.string(ip.description)],
                                       "conditions": ["ready": true, "serving": true, "terminating": false],
                                       "targetRef": ["kind": "Pod", "namespace": .string(namespace), "name": .string(pod.metadataName ?? "")]]
            if let uid = pod["metadata"]?["uid"] { endpoint.set(path: ["targetRef", "uid"], uid) }
            if let node = pod["spec"]?["nodeName"]?.stringValue { endpoint.set("nodeName", .string(node)) }
            endpoints.append(endpoint)
        }
        // Named target ports resolve per pod; the slice lists the first backend's numbers (one slice here).
        var ports: [JSONValue] = []
        for port in service["spec"]?["ports"]?.arrayValue ?? [] {
            let target = backends.lazy.compactMap { targetPort(port, in: $0) }.first ?? port["port"]?.intValue.map(Int.init)
            var entry: JSONValue = ["port": target.map { .int(Int64($0)) } ?? .null, "protocol": port["protocol"] ?? "TCP"]
            entry.set("name", .string(port["name"]?.stringValue ?? ""))
            ports.append(entry)
        }
        var labels: JSONValue = service["metadata"]?["labels"] ?? .object(JSONObject())
        labels.set("kubernetes.io/service-name", .string(name))
        labels.set("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io")
        var object: JSONValue = ["apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                                 "metadata": ["name": .string(sliceName(service: name)), "namespace": .string(namespace),
                                              "generateName": .string(name + "-"), "labels": labels],
                                 "addressType": "IPv4", "ports": .array(ports)]
        object.set("endpoints", endpoints.isEmpty ? nil : .array(endpoints))
        if let uid = service["metadata"]?["uid"] {
            object.set(path: ["metadata", "ownerReferences"], [["apiVersion": "v1", "kind": "Service", "name": .string(name),
                                                                 "uid": uid, "controller": true, "blockOwnerDeletion": true]])
        }
        return object
    }

    /// `NAME-xxxxx`, stable per service (the controller's generateName, made deterministic).
    static func sliceName(service: String) -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        var hash = LabNames.fnv1a("endpointslice/" + service)
        var suffix = ""
        for _ in 0..<5 {
            suffix.append(alphabet[Int(hash % UInt64(alphabet.count))])
            hash /= UInt64(alphabet.count)
        }
        return service + "-" + suffix
    }
}
