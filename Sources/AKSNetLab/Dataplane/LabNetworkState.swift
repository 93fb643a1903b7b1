import Foundation

/// A pod's network as the lab kubelet needs it: start the pod's processes with
/// `ip netns exec <netnsName> …` and report `ipv4`/`ipv6` as `status.podIPs`.
public struct PodNetwork: Codable, Sendable, Equatable {
    public var name: String
    /// Kubernetes node name.
    public var node: String
    public var netnsName: String
    public var ipv4: IPv4Address
    public var ipv6: String?
    /// The node-side veth (`veth…` on cbr0 for kubenet, `azv…` for azure/overlay); nil for hostNetwork.
    public var hostVethName: String?
    public var hostNetwork: Bool
}

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

/// Everything the lab network created, written after every change so that
/// `LabNetwork.teardown(stateFile:)` works from a fresh process after a crash.
public struct LabNetworkState: Codable, Sendable {
    public var version = 1
    public var spec: LabNetworkSpec
    /// Every namespace created (or about to be), in creation order.
    public var namespaces: [String] = []
    public var pods: [PodNetwork] = []
    public var services: [ServiceSpec] = []
    public var faults: [LabFault] = []

    public init(spec: LabNetworkSpec) { self.spec = spec }

    public static func load(from path: String) throws -> LabNetworkState {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw LabNetworkError.stateFile("cannot read \(path): \(error.localizedDescription)")
        }
        do { return try JSONDecoder().decode(LabNetworkState.self, from: data) } catch {
            throw LabNetworkError.stateFile("cannot decode \(path): \(error)")
        }
    }

    public func save(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw LabNetworkError.stateFile("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
