import KubeModel

/// What a node pings to see another node's pod network (pure): on kubenet, the first address
/// of the peer's IPv4 podCIDR (cbr0, the pods' gateway); on Azure CNI (pods on VNet IPs, no
/// podCIDR) and overlay (no bridge holds that address), the IP of a Running pod on the peer
/// that is not hostNetwork ("-": none, the peer is listed as skipped).
public enum ProbePeers {
    /// Every Linux node's probe address ("-" when it has none), by node name.
    public static func addresses(nodes: [JSONValue], runningPods: [JSONValue]) -> [String: String] {
        var podIPByNode: [String: String] = [:]
        for pod in runningPods {
            guard pod["status"]?["phase"]?.stringValue == "Running", pod["spec"]?["hostNetwork"]?.boolValue != true,
                  let node = pod["spec"]?["nodeName"]?.stringValue, podIPByNode[node] == nil,
                  let ip = pod["status"]?["podIP"]?.stringValue, IPv4.parse(ip) != nil else { continue }
            podIPByNode[node] = ip
        }
        var out: [String: String] = [:]
        for node in nodes {
            guard let name = node.metadataName, !NodeSelection.isWindows(node) else { continue }
            if usesVNetPodIPs(node) {
                out[name] = podIPByNode[name] ?? "-"
            } else if let cidr = podCIDRv4(node), let first = IPv4.firstHost(cidr) {
                out[name] = first
            } else {
                out[name] = podIPByNode[name] ?? "-"
            }
        }
        return out
    }

    /// Whether the probe pings a pod rather than the podCIDR's first address: Azure CNI (pods on
    /// VNet IPs, no podCIDR) and overlay (a podCIDR, but no bridge: nothing holds its first address).
    public static func usesVNetPodIPs(_ node: JSONValue) -> Bool {
        let labels = node["metadata"]?["labels"]
        if labels?["kubernetes.azure.com/podnetwork-type"]?.stringValue == "vnet" { return true }
        if labels?["kubernetes.azure.com/azure-cni-overlay"]?.stringValue == "true" { return true }
        if labels?["kubernetes.azure.com/podnetwork-type"]?.stringValue == "overlay" { return true }
        return podCIDRv4(node) == nil
    }

    public static func podCIDRv4(_ node: JSONValue) -> String? {
        let spec = node["spec"]
        let all = (spec?["podCIDRs"]?.arrayValue?.compactMap(\.stringValue) ?? []) + [spec?["podCIDR"]?.stringValue].compactMap { $0 }
        return all.first { !$0.contains(":") }
    }

    /// The peers of `node`: every other node with its address, sorted by name.
    public static func peers(of node: String, addresses: [String: String]) -> [ProbePeer] {
        addresses.filter { $0.key != node }.sorted { $0.key < $1.key }.map { ProbePeer(node: $0.key, address: $0.value) }
    }
}

/// Dotted-quad IPv4 arithmetic, enough for a podCIDR's first address.
enum IPv4 {
    static func parse(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let octet = UInt32(part), octet <= 255 else { return nil }
            value = value << 8 | octet
        }
        return value
    }

    static func format(_ value: UInt32) -> String {
        "\(value >> 24).\(value >> 16 & 255).\(value >> 8 & 255).\(value & 255)"
    }

    /// `10.244.1.0/24` → `10.244.1.1`; nil for a bad CIDR or a /31, /32.
    static func firstHost(_ cidr: String) -> String? {
        let parts = cidr.split(separator: "/")
        guard parts.count == 2, let base = parse(String(parts[0])), let bits = Int(parts[1]), (0...30).contains(bits) else { return nil }
        let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << UInt32(32 - bits)
        return format((base & mask) + 1)
    }
}
