import KubeModel

/// The `-o json` document (schema/inspect-v1.schema.json). Keys are in a fixed order and
/// dictionaries sorted, so the same evidence always gives byte-identical JSON.
extension InspectReport {
    public var json: JSONValue {
        var object = JSONObject()
        object["apiVersion"] = .string(Self.apiVersion)
        object["kind"] = .string(Self.kind)
        object["collectedAt"] = .string(collectedAt)
        object["context"] = JSONCoding.optional(context)
        object["server"] = JSONCoding.optional(server)
        object["cluster"] = cluster.json
        object["pools"] = .array(pools.map(\.json))
        object["nodes"] = .array(nodes.map(\.json))
        object["findings"] = .array(findings.map(\.json))
        object["dataPath"] = dataPath?.json ?? .null
        object["notCollected"] = .array(notCollected.map(\.json))
        object["missingPermissions"] = JSONCoding.strings(missingPermissions)
        var errors = JSONObject()
        for key in apiErrors.keys.sorted() { errors[key] = apiErrors[key].map { .string($0) } }
        object["apiErrors"] = .object(errors)
        var summary = JSONObject()
        for severity in Finding.Severity.allCases {
            summary[severity.rawValue] = .int(Int64(findings.filter { $0.severity == severity }.count))
        }
        object["summary"] = .object(summary)
        object["exitCode"] = .int(Int64(exitCode))
        return .object(object)
    }
}

enum JSONCoding {
    static func optional(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
    static func optional(_ value: Int?) -> JSONValue { value.map { .int(Int64($0)) } ?? .null }
    static func optional(_ value: Bool?) -> JSONValue { value.map { .bool($0) } ?? .null }
    static func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }
}

extension ClusterFacts {
    public var json: JSONValue {
        var object = JSONObject()
        object["kubernetesVersion"] = JSONCoding.optional(kubernetesVersion)
        object["networkMode"] = .string(networkMode.rawValue)
        object["dataplane"] = .string(dataplane.rawValue)
        object["kubeProxyMode"] = .string(kubeProxyMode.rawValue)
        object["policyEngine"] = .string(policyEngine.rawValue)
        object["ipFamilies"] = .string(ipFamilies.rawValue)
        if let masq = ipMasqAgent {
            var m = JSONObject()
            m["configMaps"] = JSONCoding.strings(masq.configMaps)
            m["nonMasqueradeCIDRs"] = JSONCoding.strings(masq.nonMasqueradeCIDRs)
            m["masqLinkLocal"] = JSONCoding.optional(masq.masqLinkLocal)
            object["ipMasqAgent"] = .object(m)
        } else {
            object["ipMasqAgent"] = .null
        }
        var dnsObject = JSONObject()
        dnsObject["kubeDNSClusterIPs"] = JSONCoding.strings(dns.kubeDNSClusterIPs)
        dnsObject["localDNS"] = .bool(dns.localDNS)
        dnsObject["localDNSAddresses"] = JSONCoding.strings(dns.localDNSAddresses)
        object["dns"] = .object(dnsObject)
        object["serviceCIDRs"] = JSONCoding.strings(serviceCIDRs)
        object["serviceCIDRSource"] = JSONCoding.optional(serviceCIDRSource)
        object["podCIDRs"] = JSONCoding.strings(podCIDRs)
        object["nodeCount"] = .int(Int64(nodeCount))
        object["linuxNodeCount"] = .int(Int64(linuxNodeCount))
        object["windowsNodeCount"] = .int(Int64(windowsNodeCount))
        var ev = JSONObject()
        for key in evidence.keys.sorted() { ev[key] = .array((evidence[key] ?? []).map(\.json)) }
        object["evidence"] = .object(ev)
        return .object(object)
    }
}

extension NodeFacts {
    public var json: JSONValue {
        var object = JSONObject()
        object["name"] = .string(name)
        object["pool"] = JSONCoding.optional(pool)
        object["os"] = JSONCoding.optional(os)
        object["kernel"] = JSONCoding.optional(kernel)
        object["containerRuntime"] = JSONCoding.optional(containerRuntime)
        object["osImage"] = JSONCoding.optional(osImage)
        object["kubeletVersion"] = JSONCoding.optional(kubeletVersion)
        object["internalIPs"] = JSONCoding.strings(internalIPs)
        object["podCIDRs"] = JSONCoding.strings(podCIDRs)
        object["ready"] = JSONCoding.optional(ready)
        object["badConditions"] = JSONCoding.strings(badConditions)
        object["collected"] = .bool(collected)
        object["kubeProxyMode"] = JSONCoding.optional(kubeProxyMode?.rawValue)
        object["cniConfigFiles"] = JSONCoding.strings(cniConfigFiles)
        object["interfaces"] = .array(interfaces.map(\.json))
        object["routes"] = .array(routes.map(\.json))
        object["nameservers"] = JSONCoding.strings(nameservers)
        object["iptablesRuleCount"] = JSONCoding.optional(iptablesRuleCount)
        object["conntrackCount"] = JSONCoding.optional(conntrackCount)
        object["conntrackMax"] = JSONCoding.optional(conntrackMax)
        return .object(object)
    }
}

extension InterfaceFacts {
    public var json: JSONValue {
        var object = JSONObject()
        object["name"] = .string(name)
        object["role"] = .string(role.rawValue)
        object["kind"] = JSONCoding.optional(kind)
        object["mtu"] = JSONCoding.optional(mtu)
        object["master"] = JSONCoding.optional(master)
        object["up"] = .bool(up)
        object["addresses"] = JSONCoding.strings(addresses)
        return .object(object)
    }
}

extension RouteFacts {
    public var json: JSONValue {
        var object = JSONObject()
        object["destination"] = .string(destination)
        object["gateway"] = JSONCoding.optional(gateway)
        object["device"] = JSONCoding.optional(device)
        object["table"] = .string(table)
        return .object(object)
    }
}

extension PoolFacts {
    public var json: JSONValue {
        var object = JSONObject()
        object["name"] = .string(name)
        object["mode"] = JSONCoding.optional(mode)
        object["os"] = JSONCoding.optional(os)
        object["nodes"] = JSONCoding.strings(nodes)
        object["nodeSubnets"] = JSONCoding.strings(nodeSubnets)
        object["podRanges"] = JSONCoding.strings(podRanges)
        return .object(object)
    }
}

extension NotCollectedNode {
    public var json: JSONValue {
        var object = JSONObject()
        object["node"] = .string(node)
        object["reason"] = .string(reason)
        object["hint"] = JSONCoding.optional(hint)
        return .object(object)
    }
}

extension Finding {
    public var json: JSONValue {
        var object = JSONObject()
        object["id"] = .string(id)
        object["severity"] = .string(severity.rawValue)
        object["title"] = .string(title)
        object["nodes"] = JSONCoding.strings(nodes)
        object["evidence"] = .array(evidence.map(\.json))
        object["fix"] = .string(fix)
        return .object(object)
    }
}

extension EvidenceLine {
    public var json: JSONValue {
        var object = JSONObject()
        object["node"] = JSONCoding.optional(node)
        object["source"] = .string(source)
        object["line"] = JSONCoding.optional(line)
        object["text"] = .string(text)
        return .object(object)
    }
}

extension DataPath {
    public var json: JSONValue {
        var object = JSONObject()
        object["mode"] = .string(mode.rawValue)
        object["exampleNodes"] = JSONCoding.strings(exampleNodes)
        object["flows"] = .array(flows.map { flow in
            var f = JSONObject()
            f["id"] = .string(flow.id)
            f["title"] = .string(flow.title)
            f["hops"] = .array(flow.hops.map { hop in
                var h = JSONObject()
                h["place"] = .string(hop.place.rawValue)
                h["node"] = JSONCoding.optional(hop.node)
                h["device"] = JSONCoding.optional(hop.device)
                h["text"] = .string(hop.text)
                return .object(h)
            })
            return .object(f)
        })
        return .object(object)
    }
}
