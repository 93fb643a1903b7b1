import KubeClient
import KubeModel

/// The traffic that carries a capture, as a node sees it. exec and port-forward bytes go from
/// the API server to the kubelet's streaming server on the node (NODE_IP:10250, or the port in
/// `status.daemonEndpoints`), on AKS through the konnectivity agent, whose tunnel reaches the
/// API server on 443. A capture in the node's network namespace (a node, a hostNetwork pod)
/// would see every packet it sends, and each captured packet would make more: a loop. So those
/// flows are left out of such captures unless the user asks for them.
public struct OwnStream: Equatable, Sendable {
    public struct Endpoint: Equatable, Sendable {
        public var ip: String
        public var port: Int
        public init(ip: String, port: Int) { self.ip = ip; self.port = port }
    }

    /// The node's own addresses (InternalIP, and any other it reports).
    public var nodeIPs: [String]
    public var kubeletPort: Int
    /// The API server's endpoints (the `kubernetes` Service in `default`).
    public var apiServer: [Endpoint]

    public init(nodeIPs: [String], kubeletPort: Int = 10250, apiServer: [Endpoint] = []) {
        self.nodeIPs = nodeIPs
        self.kubeletPort = kubeletPort
        self.apiServer = apiServer
    }

    /// A BPF expression matching those flows (nil when nothing is known).
    public var expression: String? {
        var parts = nodeIPs.map { "(host \($0) and tcp port \(kubeletPort))" }
        parts += apiServer.map { "(host \($0.ip) and tcp port \($0.port))" }
        if parts.isEmpty { return nil }
        return parts.joined(separator: " or ")
    }

    /// The user's filter words, minus these flows: `( USER ) and not ( OWN )`.
    public func excluded(from filter: [String]) -> [String] {
        guard let expression else { return filter }
        let own = "not ( " + expression + " )"
        let user = filter.joined(separator: " ")
        return user.trimmingSpaces.isEmpty ? [own] : ["( " + user + " ) and " + own]
    }

    /// What the user is told is left out, and why.
    public var summary: String {
        var pieces: [String] = []
        if !nodeIPs.isEmpty {
            pieces.append("tcp port \(kubeletPort) on \(nodeIPs.joined(separator: ", ")) (the kubelet's streaming server)")
        }
        if !apiServer.isEmpty {
            pieces.append("tcp to " + apiServer.map { "\(Self.hostPort($0.ip, $0.port))" }.joined(separator: ", ")
                + " (the API server, and the konnectivity tunnel to it)")
        }
        return pieces.joined(separator: " and ")
    }

    static func hostPort(_ ip: String, _ port: Int) -> String { ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)" }

    /// Whether a packet's TCP flow is one of these (the loop guard's measure).
    public func matches(source: String, sourcePort: Int, destination: String, destinationPort: Int) -> Bool {
        for ip in nodeIPs {
            if (source == ip && sourcePort == kubeletPort) || (destination == ip && destinationPort == kubeletPort) { return true }
        }
        for endpoint in apiServer {
            if (source == endpoint.ip && sourcePort == endpoint.port) || (destination == endpoint.ip && destinationPort == endpoint.port) {
                return true
            }
        }
        return false
    }

    // MARK: from the cluster

    /// The node's addresses and kubelet port from its Node object.
    public static func node(_ node: JSONValue) -> (ips: [String], kubeletPort: Int) {
        let addresses = node["status"]?["addresses"]?.arrayValue ?? []
        var ips: [String] = []
        for kind in ["InternalIP", "ExternalIP"] {
            for address in addresses where address["type"]?.stringValue == kind {
                if let ip = address["address"]?.stringValue, !ips.contains(ip) { ips.append(ip) }
            }
        }
        let port = node["status"]?["daemonEndpoints"]?["kubeletEndpoint"]?["Port"]?.intValue
        return (ips, port.map { Int($0) }.flatMap { $0 > 0 && $0 < 65536 ? $0 : nil } ?? 10250)
    }

    /// The API server's endpoints from the `kubernetes` EndpointSlices (or, failing that, Endpoints).
    public static func apiServer(slices: [JSONValue]) -> [Endpoint] {
        var out: [Endpoint] = []
        for slice in slices {
            let port = (slice["ports"]?.arrayValue ?? []).compactMap { $0["port"]?.intValue }.first.map { Int($0) } ?? 443
            for endpoint in slice["endpoints"]?.arrayValue ?? [] {
                for address in endpoint["addresses"]?.arrayValue ?? [] {
                    if let ip = address.stringValue { out.append(Endpoint(ip: ip, port: port)) }
                }
            }
        }
        return out
    }

    public static func apiServer(endpoints: JSONValue) -> [Endpoint] {
        var out: [Endpoint] = []
        for subset in endpoints["subsets"]?.arrayValue ?? [] {
            let port = (subset["ports"]?.arrayValue ?? []).compactMap { $0["port"]?.intValue }.first.map { Int($0) } ?? 443
            for address in subset["addresses"]?.arrayValue ?? [] {
                if let ip = address["ip"]?.stringValue { out.append(Endpoint(ip: ip, port: port)) }
            }
        }
        return out
    }

    /// Learns it from the cluster, best effort: what cannot be read is left out of the filter
    /// (the loop guard still watches).
    public static func learn(client: any KubeAPI, node name: String) -> OwnStream {
        var own = OwnStream(nodeIPs: [])
        if let node = try? client.get(.nodes(name)) {
            let facts = Self.node(node)
            own.nodeIPs = facts.ips
            own.kubeletPort = facts.kubeletPort
        }
        let slices = ResourcePath(group: "discovery.k8s.io", version: "v1", resource: "endpointslices", namespace: "default")
        if let listed = try? client.list(slices, labelSelector: "kubernetes.io/service-name=kubernetes") {
            own.apiServer = apiServer(slices: listed.items)
        }
        if own.apiServer.isEmpty, let endpoints = try? client.get(ResourcePath(resource: "endpoints", namespace: "default", name: "kubernetes")) {
            own.apiServer = apiServer(endpoints: endpoints)
        }
        return own
    }
}
