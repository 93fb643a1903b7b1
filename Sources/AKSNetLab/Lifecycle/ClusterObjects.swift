import Foundation
import KubeModel

/// The API objects an AKS cluster has from the start: Node objects shaped
/// like AKS's, and kube-system's kube-proxy, CoreDNS, ip-masq-agent and
/// network-policy objects.
enum ClusterObjects {
    static func node(_ node: NodeNetwork, config: LabConfig, kernel: String) -> JSONValue {
        let labelValue: JSONValue = [
            "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
            "kubernetes.io/hostname": .string(node.name), "agentpool": .string(node.pool),
            "kubernetes.azure.com/agentpool": .string(node.pool), "kubernetes.azure.com/mode": node.poolIndex == 0 ? "system" : "user",
            "kubernetes.azure.com/cluster": "MC_aksnet-lab_aksnet-lab_westeurope", "kubernetes.azure.com/role": "agent",
            "kubernetes.azure.com/network-policy": .string(config.networkPolicy),
            "node.kubernetes.io/instance-type": "Standard_D4s_v5", "topology.kubernetes.io/region": "westeurope",
            "topology.kubernetes.io/zone": "0",
        ]
        var labels = labelValue.objectValue ?? JSONObject()
        switch config.networkPlugin {
        case "overlay":
            labels["kubernetes.azure.com/azure-cni-overlay"] = "true"
            labels["kubernetes.azure.com/podnetwork-type"] = "overlay"
        case "azure":
            labels["kubernetes.azure.com/podnetwork-type"] = "vnet"
        default:
            break
        }
        var addresses: [JSONValue] = [["type": "InternalIP", "address": .string(node.ipv4.description)]]
        if let v6 = node.ipv6 { addresses.append(["type": "InternalIP", "address": .string(v6)]) }
        addresses.append(["type": "Hostname", "address": .string(node.name)])
        let specValue: JSONValue = ["providerID": .string("azure:///subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/mc_aksnet-lab/providers/Microsoft.Compute/virtualMachineScaleSets/aks-\(node.pool)-vmss/virtualMachines/\(node.index)")]
        var spec = specValue.objectValue ?? JSONObject()
        if let cidr = node.podCIDR {
            spec["podCIDR"] = .string(cidr.description)
            var cidrs: [JSONValue] = [.string(cidr.description)]
            if let v6 = node.podCIDRv6 { cidrs.append(.string(v6)) }
            spec["podCIDRs"] = .array(cidrs)
        }
        let now = RFC3339.format(Date().timeIntervalSince1970)
        return [
            "apiVersion": "v1", "kind": "Node",
            "metadata": ["name": .string(node.name), "labels": .object(labels)],
            "spec": .object(spec),
            "status": [
                "addresses": .array(addresses),
                // Where the API server reaches this node's kubelet (exec, attach, port-forward, logs): InternalIP:10250.
                "daemonEndpoints": ["kubeletEndpoint": ["Port": .int(Int64(LabAddressPlan.kubeletPort))]],
                "capacity": ["cpu": "4", "memory": "16365516Ki", "pods": "110", "ephemeral-storage": "129886128Ki"],
                "allocatable": ["cpu": "3860m", "memory": "12880844Ki", "pods": "110", "ephemeral-storage": "119703055367"],
                "conditions": [
                    ["type": "MemoryPressure", "status": "False", "reason": "KubeletHasSufficientMemory", "message": "kubelet has sufficient memory available", "lastHeartbeatTime": .string(now), "lastTransitionTime": .string(now)],
                    ["type": "DiskPressure", "status": "False", "reason": "KubeletHasNoDiskPressure", "message": "kubelet has no disk pressure", "lastHeartbeatTime": .string(now), "lastTransitionTime": .string(now)],
                    ["type": "PIDPressure", "status": "False", "reason": "KubeletHasSufficientPID", "message": "kubelet has sufficient PID available", "lastHeartbeatTime": .string(now), "lastTransitionTime": .string(now)],
                    ["type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status", "lastHeartbeatTime": .string(now), "lastTransitionTime": .string(now)],
                ],
                "nodeInfo": [
                    "architecture": "amd64", "bootID": .string(UUID().uuidString.lowercased()),
                    "containerRuntimeVersion": "containerd://1.7.27-1", "kernelVersion": .string(kernel),
                    "kubeProxyVersion": "v1.32.5", "kubeletVersion": "v1.32.5", "machineID": .string(String(UUID().uuidString.lowercased().filter { $0 != "-" })),
                    "operatingSystem": "linux", "osImage": "Ubuntu 22.04.5 LTS", "systemUUID": .string(UUID().uuidString.lowercased()),
                ],
            ],
        ]
    }

    /// The `kubernetes` Service's Endpoints and EndpointSlice, as the API server keeps them: the
    /// control plane's address on 443, which is how pods and nodes learn where the API server is.
    /// (The lab's API server also answers clients on 127.0.0.1:PORT, the kubeconfig's server.)
    static func kubernetesEndpoints() -> [(ResourceType, JSONValue)] {
        let address = JSONValue.string(LabAddressPlan.controlPlaneIPv4.description)
        let labels: JSONValue = ["endpointslice.kubernetes.io/skip-mirror": "true"]
        return [
            (.endpoints, ["apiVersion": "v1", "kind": "Endpoints",
                          "metadata": ["name": "kubernetes", "namespace": "default", "labels": labels],
                          "subsets": [["addresses": [["ip": address]], "ports": [["name": "https", "port": 443, "protocol": "TCP"]]]]]),
            (.endpointSlices, ["apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                               "metadata": ["name": "kubernetes", "namespace": "default", "labels": ["kubernetes.io/service-name": "kubernetes"]],
                               "addressType": "IPv4",
                               "endpoints": [["addresses": [address], "conditions": ["ready": true]]],
                               "ports": [["name": "https", "port": 443, "protocol": "TCP"]]]),
        ]
    }

    /// A Windows node, so that the suite can meet one and refuse or relay properly: its InternalIP
    /// is the address of its network namespace (where its sshd answers); the lab kubelet runs no
    /// pod on it and serves no kubelet port for it.
    static func windowsNode(_ node: WindowsNodeNetwork) -> JSONValue {
        let name = node.name
        return [
            "apiVersion": "v1", "kind": "Node",
            "metadata": ["name": .string(name), "labels": [
                "kubernetes.io/os": "windows", "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": .string(name),
                "kubernetes.azure.com/agentpool": .string(WindowsNodeNetwork.pool), "agentpool": .string(WindowsNodeNetwork.pool),
                "kubernetes.azure.com/mode": "user",
                "node.kubernetes.io/windows-build": "10.0.20348",
            ]],
            "spec": ["taints": [["key": "os", "value": "windows", "effect": "NoSchedule"]]],
            "status": [
                "addresses": [["type": "InternalIP", "address": .string(node.ipv4.description)], ["type": "Hostname", "address": .string(name)]],
                "conditions": [["type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status"]],
                "nodeInfo": ["architecture": "amd64", "containerRuntimeVersion": "containerd://1.7.20+azure", "kernelVersion": "10.0.20348.2966",
                             "kubeletVersion": "v1.32.5", "kubeProxyVersion": "v1.32.5", "operatingSystem": "windows",
                             "osImage": "Windows Server 2022 Datacenter"],
            ],
        ]
    }

    static func kubeSystem(config: LabConfig) -> [(ResourceType, JSONValue)] {
        let system = "kube-system"
        func daemonSet(_ name: String, image: String, labels: JSONValue) -> JSONValue {
            ["apiVersion": "apps/v1", "kind": "DaemonSet",
             // Played by the lab's own dataplane (no pods): see DaemonSetPlan.
             "metadata": ["name": .string(name), "namespace": .string(system), "labels": labels,
                          "annotations": [DaemonSetPlan.emulatedAnnotation: "true"]],
             "spec": ["selector": ["matchLabels": labels],
                      "template": ["metadata": ["labels": labels],
                                   "spec": ["hostNetwork": true, "containers": [["name": .string(name), "image": .string(image)]]]]]]
        }
        var objects: [(ResourceType, JSONValue)] = [
            (.daemonSets, daemonSet("kube-proxy", image: "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.32.5", labels: ["component": "kube-proxy"])),
            (.configMaps, ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "kube-proxy-config", "namespace": .string(system)],
                           "data": ["config.yaml": .string("apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: \(config.kubeProxy)\nclusterCIDR: 10.244.0.0/16\n")]]),
            (.configMaps, ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "azure-ip-masq-agent-config-reconciled", "namespace": .string(system)],
                           "data": ["ip-masq-agent-reconciled": .string("nonMasqueradeCIDRs:\n- 10.224.0.0/12\n- 10.244.0.0/16\nmasqLinkLocal: true\n")]]),
            (.services, ["apiVersion": "v1", "kind": "Service", "metadata": ["name": "kube-dns", "namespace": .string(system), "labels": ["k8s-app": "kube-dns"]],
                         "spec": ["clusterIP": "10.0.0.10", "clusterIPs": ["10.0.0.10"], "type": "ClusterIP", "selector": ["k8s-app": "kube-dns"],
                                  "ports": [["name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53], ["name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53]]]]),
        ]
        switch config.networkPolicy {
        case "azure": objects.append((.daemonSets, daemonSet("azure-npm", image: "mcr.microsoft.com/containernetworking/azure-npm:v1.6.22", labels: ["k8s-app": "azure-npm"])))
        case "calico": objects.append((.daemonSets, daemonSet("calico-node", image: "mcr.microsoft.com/oss/calico/node:v3.29.0", labels: ["k8s-app": "calico-node"])))
        default: break
        }
        return objects
    }
}
