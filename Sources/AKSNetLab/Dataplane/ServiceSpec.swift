import Foundation

public enum ServiceProtocol: String, Codable, Sendable {
    case tcp, udp
}

public struct ServiceEndpoint: Codable, Sendable, Equatable, Hashable {
    public var ip: IPv4Address
    public var port: Int
    public init(ip: IPv4Address, port: Int) {
        self.ip = ip
        self.port = port
    }
}

/// One ClusterIP service port as kube-proxy sees it.
public struct ServiceSpec: Codable, Sendable, Equatable {
    public var namespace: String
    public var name: String
    public var clusterIP: IPv4Address
    public var port: Int
    public var `protocol`: ServiceProtocol
    public var endpoints: [ServiceEndpoint]

    public init(namespace: String = "default", name: String, clusterIP: IPv4Address, port: Int,
                protocol: ServiceProtocol = .tcp, endpoints: [ServiceEndpoint]) {
        self.namespace = namespace
        self.name = name
        self.clusterIP = clusterIP
        self.port = port
        self.protocol = `protocol`
        self.endpoints = endpoints
    }

    /// kube-proxy's "service port name": `namespace/name:port`.
    public var key: String { "\(namespace)/\(name):\(port)" }
}
