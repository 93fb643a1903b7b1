/// Cluster facts that changed between two reports.
enum ClusterDiffer {
    static func diff(old: ClusterFacts, new: ClusterFacts) -> [ValueChange] {
        var changes: [ValueChange] = []
        func compare(_ key: String, _ a: String, _ b: String) { if a != b { changes.append(ValueChange(key: key, old: a, new: b)) } }
        compare("networkMode", old.networkMode.rawValue, new.networkMode.rawValue)
        compare("dataplane", old.dataplane.rawValue, new.dataplane.rawValue)
        compare("kubeProxyMode", old.kubeProxyMode.rawValue, new.kubeProxyMode.rawValue)
        compare("policyEngine", old.policyEngine.rawValue, new.policyEngine.rawValue)
        compare("ipFamilies", old.ipFamilies.rawValue, new.ipFamilies.rawValue)
        compare("serviceCIDRs", old.serviceCIDRs.joined(separator: ", "), new.serviceCIDRs.joined(separator: ", "))
        compare("kubeDNS", old.dns.kubeDNSClusterIPs.joined(separator: ", "), new.dns.kubeDNSClusterIPs.joined(separator: ", "))
        compare("ipMasqAgent.nonMasqueradeCIDRs", old.ipMasqAgent?.nonMasqueradeCIDRs.joined(separator: ", ") ?? "",
                new.ipMasqAgent?.nonMasqueradeCIDRs.joined(separator: ", ") ?? "")
        return changes
    }
}
