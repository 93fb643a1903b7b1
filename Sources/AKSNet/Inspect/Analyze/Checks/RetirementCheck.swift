/// What AKS retires: kubenet on 2028-03-31 (→ Azure CNI Overlay), Azure NPM on Linux on
/// 2028-09-30 (→ Cilium or Calico). Info findings.
enum RetirementCheck: InspectCheck {
    static func run(_ context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        if context.cluster.networkMode == .kubenet {
            findings.append(Finding(
                id: "kubenet-retirement", severity: .info, title: "kubenet retires on AKS on 2028-03-31",
                nodes: [], evidence: Array((context.cluster.evidence["networkMode"] ?? []).prefix(2)),
                fix: "Migrate to Azure CNI Overlay: az aks update -g RG -n CLUSTER --network-plugin azure --network-plugin-mode overlay "
                    + "(pods keep a separate pod CIDR; no route table needed)."))
        }
        if context.cluster.policyEngine == .azureNPM, context.cluster.linuxNodeCount > 0 {
            findings.append(Finding(
                id: "azure-npm-retirement", severity: .info, title: "Azure Network Policy Manager on Linux retires on 2028-09-30",
                nodes: [], evidence: Array((context.cluster.evidence["policyEngine"] ?? []).prefix(2)),
                fix: "Move to Cilium (az aks update --network-dataplane cilium, Azure CNI Overlay or pod subnet) or Calico (--network-policy calico); "
                    + "existing NetworkPolicy objects keep working."))
        }
        return findings
    }
}
