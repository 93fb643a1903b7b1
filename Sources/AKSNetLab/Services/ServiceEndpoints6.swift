import KubeModel

extension ServiceEndpoints {
    /// The IPv6 side of dual-stack services: one ServiceSpec6 per TCP/UDP port of each selector
    /// service with an IPv6 cluster IP (`spec.clusterIPs`), over its ready pods' IPv6 addresses.
    static func specs6(services: [JSONValue], pods: [JSONValue]) -> [ServiceSpec6] {
        services.flatMap { service -> [ServiceSpec6] in
            guard let clusterIP = (service["spec"]?["clusterIPs"]?.arrayValue ?? []).compactMap(\.stringValue).first(where: { $0.contains(":") }),
                  let backends = backends(of: service, in: pods) else { return [] }
            return ports(of: service, backends: backends, address: podIPv6).map { port in
                ServiceSpec6(namespace: service.metadataNamespace ?? "default", name: service.metadataName ?? "", clusterIP: clusterIP,
                             port: port.number, protocol: port.proto,
                             endpoints: port.endpoints.map { (ip: $0.address, port: $0.port) }.sorted { ($0.ip, $0.port) < ($1.ip, $1.port) })
            }
        }
    }

    static func podIPv6(_ pod: JSONValue) -> String? {
        (pod["status"]?["podIPs"]?.arrayValue ?? []).compactMap { $0["ip"]?.stringValue }.first { $0.contains(":") }
    }
}
