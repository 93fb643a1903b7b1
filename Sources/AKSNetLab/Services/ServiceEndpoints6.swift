import KubeModel

extension ServiceEndpoints {
    /// The IPv6 side of dual-stack services: one ServiceSpec6 per TCP/UDP port of each selector
    /// service with an IPv6 cluster IP (`spec.clusterIPs`), over its ready pods' IPv6 addresses.
    static func specs6(services: [JSONValue], pods: [JSONValue]) -> [ServiceSpec6] {
        var specs: [ServiceSpec6] = []
        for service in services {
            guard let clusterIP = (service["spec"]?["clusterIPs"]?.arrayValue ?? []).compactMap(\.stringValue).first(where: { $0.contains(":") }),
                  let selector = selector(of: service) else { continue }
            let namespace = service.metadataNamespace ?? "default"
            let backends = pods.filter { $0.metadataNamespace == namespace && ready($0) && matches(selector, $0) }
            for port in service["spec"]?["ports"]?.arrayValue ?? [] {
                guard let number = port["port"]?.intValue, let proto = serviceProtocol(port) else { continue }
                let endpoints = backends.compactMap { pod -> (ip: String, port: Int)? in
                    guard let ip = podIPv6(pod), let target = targetPort(port, in: pod) else { return nil }
                    return (ip, target)
                }.sorted { ($0.ip, $0.port) < ($1.ip, $1.port) }
                specs.append(ServiceSpec6(namespace: namespace, name: service.metadataName ?? "", clusterIP: clusterIP,
                                          port: Int(number), protocol: proto, endpoints: endpoints))
            }
        }
        return specs
    }

    static func podIPv6(_ pod: JSONValue) -> String? {
        (pod["status"]?["podIPs"]?.arrayValue ?? []).compactMap { $0["ip"]?.stringValue }.first { $0.contains(":") }
    }
}
