import KubeModel

/// What kube-proxy and the endpoints controller compute from Service and Pod objects,
/// as pure functions: the ClusterIP rules of each service port, and its Endpoints object.
enum ServiceEndpoints {
    /// One backend: a ready pod's IP, its node and name, and the resolved target port.
    struct Backend: Equatable {
        var ip: IPv4Address
        var nodeName: String?
        var podName: String
        var podUID: String?
    }

    /// The kube-proxy view of `services`: one ServiceSpec per TCP/UDP port of each service with
    /// a cluster IP in the lab's service CIDR and a selector; endpoints are the ready pods.
    static func specs(services: [JSONValue], pods: [JSONValue]) -> [ServiceSpec] {
        services.flatMap { service -> [ServiceSpec] in
            guard let clusterIP = clusterIP(of: service), let backends = backends(of: service, in: pods) else { return [] }
            return ports(of: service, backends: backends, address: podIPv4).map { port in
                ServiceSpec(namespace: service.metadataNamespace ?? "default", name: service.metadataName ?? "", clusterIP: clusterIP,
                            port: port.number, protocol: port.proto,
                            endpoints: port.endpoints.map { ServiceEndpoint(ip: $0.address, port: $0.port) }
                                .sorted { ($0.ip, $0.port) < ($1.ip, $1.port) })
            }
        }
    }

    /// The ready pods of the service's namespace its selector matches; nil without a selector.
    static func backends(of service: JSONValue, in pods: [JSONValue]) -> [JSONValue]? {
        guard let selector = selector(of: service) else { return nil }
        let namespace = service.metadataNamespace ?? "default"
        return pods.filter { $0.metadataNamespace == namespace && ready($0) && matches(selector, $0) }
    }

    /// Each TCP/UDP port of the service with its backends' `address` and resolved target port.
    static func ports<Address>(of service: JSONValue, backends: [JSONValue], address: (JSONValue) -> Address?)
        -> [(number: Int, proto: ServiceProtocol, endpoints: [(address: Address, port: Int)])] {
        (service["spec"]?["ports"]?.arrayValue ?? []).compactMap { port in
            guard let number = port["port"]?.intValue, let proto = serviceProtocol(port) else { return nil }
            let endpoints = backends.compactMap { pod -> (address: Address, port: Int)? in
                guard let ip = address(pod), let target = targetPort(port, in: pod) else { return nil }
                return (ip, target)
            }
            return (Int(number), proto, endpoints)
        }
    }

    /// The v1 Endpoints object the endpoints controller keeps for a selector service (nil for others).
    static func endpointsObject(service: JSONValue, pods: [JSONValue]) -> JSONValue? {
        guard let name = service.metadataName, let backends = backends(of: service, in: pods) else { return nil }
        let namespace = service.metadataNamespace ?? "default"
        var subsets: [JSONValue] = []
        // One subset per distinct port list (pods with different named ports split, as upstream does).
        var groups: [String: (ports: [JSONValue], addresses: [JSONValue])] = [:]
        var order: [String] = []
        for pod in backends {
            guard let ip = pod["status"]?["podIP"]?.stringValue else { continue }
            var ports: [JSONValue] = []
            for port in service["spec"]?["ports"]?.arrayValue ?? [] {
                guard let target = targetPort(port, in: pod) else { continue }
                var entry: JSONValue = ["port": .int(Int64(target)), "protocol": port["protocol"] ?? "TCP"]
                if let portName = port["name"]?.stringValue { entry.set("name", .string(portName)) }
                ports.append(entry)
            }
            var address: JSONValue = ["ip": .string(ip), "targetRef": ["kind": "Pod", "namespace": .string(namespace),
                                                                        "name": .string(pod.metadataName ?? "")]]
            if let uid = pod["metadata"]?["uid"] { address.set(path: ["targetRef", "uid"], uid) }
            if let node = pod["spec"]?["nodeName"]?.stringValue { address.set("nodeName", .string(node)) }
            let key = JSONValue.array(ports).serialized()
            if groups[key] == nil {
                order.append(key)
                groups[key] = (ports, [])
            }
            groups[key]?.addresses.append(address)
        }
        for key in order {
            guard let group = groups[key] else { continue }
            subsets.append(["addresses": .array(group.addresses), "ports": .array(group.ports)])
        }
        var object: JSONValue = ["apiVersion": "v1", "kind": "Endpoints",
                                 "metadata": ["name": .string(name), "namespace": .string(namespace)]]
        if let labels = service["metadata"]?["labels"] { object.set(path: ["metadata", "labels"], labels) }
        if !subsets.isEmpty { object.set("subsets", .array(subsets)) }
        return object
    }

    static func clusterIP(of service: JSONValue) -> IPv4Address? {
        guard let text = service["spec"]?["clusterIP"]?.stringValue, let ip = IPv4Address(text),
              LabAddressPlan.serviceCIDR.contains(ip) else { return nil }
        return ip
    }

    static func selector(of service: JSONValue) -> [String: String]? {
        guard let object = service["spec"]?["selector"]?.objectValue, object.count > 0 else { return nil }
        var result: [String: String] = [:]
        for (key, value) in object { result[key] = value.stringValue ?? "" }
        return result
    }

    static func matches(_ selector: [String: String], _ pod: JSONValue) -> Bool {
        let labels = pod["metadata"]?["labels"]
        return selector.allSatisfy { labels?[$0.key]?.stringValue == $0.value }
    }

    /// Running, Ready, not terminating, with an IP.
    static func ready(_ pod: JSONValue) -> Bool {
        guard pod["metadata"]?["deletionTimestamp"] == nil, pod["status"]?["phase"]?.stringValue == "Running",
              pod["status"]?["podIP"]?.stringValue != nil else { return false }
        let conditions = pod["status"]?["conditions"]?.arrayValue ?? []
        return conditions.contains { $0["type"]?.stringValue == "Ready" && $0["status"]?.stringValue == "True" }
    }

    static func podIPv4(_ pod: JSONValue) -> IPv4Address? {
        var candidates = (pod["status"]?["podIPs"]?.arrayValue ?? []).compactMap { $0["ip"]?.stringValue }
        if let ip = pod["status"]?["podIP"]?.stringValue { candidates.insert(ip, at: 0) }
        return candidates.lazy.compactMap { IPv4Address($0) }.first
    }

    static func serviceProtocol(_ port: JSONValue) -> ServiceProtocol? {
        switch port["protocol"]?.stringValue ?? "TCP" {
        case "TCP": return .tcp
        case "UDP": return .udp
        default: return nil
        }
    }

    /// `targetPort` as a number, a container port name looked up in the pod, or `port` when absent.
    static func targetPort(_ port: JSONValue, in pod: JSONValue) -> Int? {
        switch port["targetPort"] {
        case .int(let number)?: return Int(number)
        case .string(let name)?:
            if let number = Int(name) { return number }
            for container in pod["spec"]?["containers"]?.arrayValue ?? [] {
                for containerPort in container["ports"]?.arrayValue ?? [] where containerPort["name"]?.stringValue == name {
                    return containerPort["containerPort"]?.intValue.map(Int.init)
                }
            }
            return nil
        default: return port["port"]?.intValue.map(Int.init)
        }
    }
}
