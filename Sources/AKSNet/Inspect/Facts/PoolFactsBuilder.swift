/// Pools: nodes grouped by agentpool, with the subnet their NICs are on (address and prefix
/// from `ip addr`, else the InternalIP alone) and where their pods' addresses come from.
enum PoolFactsBuilder {
    static func build(nodes: [NodeFacts], mode: NetworkMode, apiNodes: [String: (mode: String?, os: String?)]) -> [PoolFacts] {
        var pools: [PoolFacts] = []
        for node in nodes {
            let name = node.pool ?? "(no pool label)"
            var index = pools.firstIndex { $0.name == name }
            if index == nil {
                pools.append(PoolFacts(name: name, mode: apiNodes[node.name]?.mode, os: node.os))
                index = pools.count - 1
            }
            guard let i = index else { continue }
            pools[i].nodes.append(node.name)
            for subnet in nodeSubnets(node) where !pools[i].nodeSubnets.contains(subnet) { pools[i].nodeSubnets.append(subnet) }
            let ranges: [String]
            switch mode {
            case .kubenet, .azureOverlay: ranges = node.podCIDRs
            case .azureNodeSubnet: ranges = nodeSubnets(node).filter { !IPText.isIPv6($0) }
            default: ranges = node.podCIDRs
            }
            for range in ranges where !pools[i].podRanges.contains(range) { pools[i].podRanges.append(range) }
        }
        return pools
    }

    static func nodeSubnets(_ node: NodeFacts) -> [String] {
        var subnets: [String] = []
        for interface in node.interfaces where interface.role == .nic {
            for address in interface.addresses where !IPText.isIPv6(address) {
                if let range = IPv4Range(address) { subnets.append(range.description) }
            }
            for address in interface.addresses where IPText.isIPv6(address) && !address.hasPrefix("fe80") {
                if let slash = address.firstIndex(of: "/") { subnets.append(IPv6Prefix.network(String(address[..<slash]), prefix: Int(address[address.index(after: slash)...]) ?? 128)) }
            }
        }
        return subnets
    }
}

/// IPv6 prefixes as text: the network of an address (for /64 and friends), zero-compressed.
enum IPv6Prefix {
    static func groups(_ text: String) -> [UInt16]? {
        let halves = text.split(separator: "::", omittingEmptySubsequences: false).map(String.init)
        guard halves.count <= 2 else { return nil }
        func parse(_ part: String) -> [UInt16]? {
            part.isEmpty ? [] : part.split(separator: ":", omittingEmptySubsequences: false).map { UInt16($0, radix: 16) }.allSatisfy({ $0 != nil })
                ? part.split(separator: ":", omittingEmptySubsequences: false).compactMap { UInt16($0, radix: 16) } : nil
        }
        guard let head = parse(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 8 ? head : nil }
        guard let tail = parse(halves[1]), head.count + tail.count < 8 else { return nil }
        return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    }

    static func network(_ address: String, prefix: Int) -> String {
        guard var groups = groups(address) else { return "\(address)/\(prefix)" }
        for i in 0..<8 {
            let bits = max(0, min(16, prefix - i * 16))
            groups[i] &= bits == 0 ? 0 : UInt16.max << UInt16(16 - bits)
        }
        return format(groups) + "/\(prefix)"
    }

    static func format(_ groups: [UInt16]) -> String {
        // Longest run of zeros (length >= 2) becomes `::`.
        var best = (start: -1, length: 0)
        var i = 0
        while i < groups.count {
            if groups[i] == 0 {
                var j = i
                while j < groups.count && groups[j] == 0 { j += 1 }
                if j - i > best.length { best = (i, j - i) }
                i = j
            } else { i += 1 }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard best.length >= 2 else { return hex.joined(separator: ":") }
        return hex[0..<best.start].joined(separator: ":") + "::" + hex[(best.start + best.length)...].joined(separator: ":")
    }
}
