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
