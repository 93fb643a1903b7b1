@testable import AKSNet
import KubeModel
import Testing

/// What each node pings: the first address of a kubenet/overlay peer's podCIDR, a Running pod
/// of an Azure CNI peer, "-" when there is nothing to ping; Windows nodes never.
@Suite struct ProbePeersTests {
    typealias T = InspectCollectorTests

    @Test func kubenetPingsThePodCIDRsFirstAddressOverlayAPod() {
        let nodes = [T.node("n1", cidr: "10.244.0.0/24"), T.node("n2", cidr: "10.244.1.0/24"),
                     T.node("o1", cidr: "10.244.64.0/18", labels: ["kubernetes.azure.com/azure-cni-overlay": "true"]),
                     T.node("o2", cidr: "10.244.128.0/18", labels: ["kubernetes.azure.com/azure-cni-overlay": "true"]),
                     T.node("w1", os: "windows", cidr: "10.244.9.0/24")]
        let addresses = ProbePeers.addresses(nodes: nodes, runningPods: [FakeObjects.pod("p", node: "o1", ip: "10.244.64.9")])
        #expect(addresses == ["n1": "10.244.0.1", "n2": "10.244.1.1", "o1": "10.244.64.9", "o2": "-"])
        #expect(ProbePeers.peers(of: "n2", addresses: addresses) == [ProbePeer(node: "n1", address: "10.244.0.1"),
                                                                  ProbePeer(node: "o1", address: "10.244.64.9"),
                                                                  ProbePeer(node: "o2", address: "-")])
    }

    @Test func azureCNIPingsARunningPodThatIsNotHostNetwork() {
        let vnet = ["kubernetes.azure.com/podnetwork-type": "vnet"]
        let nodes = [T.node("a1", cidr: nil, labels: vnet), T.node("a2", cidr: nil, labels: vnet), T.node("a3", cidr: nil, labels: vnet)]
        let pods = [FakeObjects.pod("host", node: "a1", ip: "10.224.0.4", hostNetwork: true),
                    FakeObjects.pod("web", node: "a1", ip: "10.224.0.20"),
                    FakeObjects.pod("pending", node: "a2", phase: "Pending", ip: "10.224.0.40")]
        #expect(ProbePeers.addresses(nodes: nodes, runningPods: pods) == ["a1": "10.224.0.20", "a2": "-", "a3": "-"])
    }

    @Test(arguments: [("10.244.1.0/24", "10.244.1.1"), ("10.244.1.7/24", "10.244.1.1"), ("10.0.0.0/8", "10.0.0.1"),
                      ("0.0.0.0/0", "0.0.0.1")])
    func firstHost(cidr: String, first: String) {
        #expect(IPv4.firstHost(cidr) == first)
    }

    @Test(arguments: ["", "10.244.1.0", "10.244.1.0/32", "10.244.1.0/31", "10.244.1.0/33", "300.1.1.1/24", "a.b.c.d/8",
                      "10.244.1/24", "10.244.1.0/-1", "10.244.1.0/99999999999999999999", "１０.0.0.0/8"])
    func badCIDRsHaveNone(cidr: String) {
        #expect(IPv4.firstHost(cidr) == nil)
    }
}

/// Which nodes are collected: names in the order asked, Windows and NotReady listed apart.
@Suite struct NodeSelectionTests {
    typealias T = InspectCollectorTests

    @Test func everyNodeByDefaultInTheAPIsOrder() throws {
        let selection = try NodeSelection.choose(nodes: [T.node("b"), T.node("a")], names: [])
        #expect(selection == NodeSelection(collect: ["b", "a"], skipped: []))
    }

    @Test func namesKeepTheirOrderOnce() throws {
        let selection = try NodeSelection.choose(nodes: [T.node("a"), T.node("b"), T.node("c")], names: ["c", "a", "c"])
        #expect(selection.collect == ["c", "a"])
    }

    @Test func windowsByLabelOrNodeInfo() throws {
        var byInfo = T.node("w2", os: "")
        byInfo = ["apiVersion": "v1", "kind": "Node", "metadata": ["name": "w2"], "status": ["nodeInfo": ["operatingSystem": "windows"]]]
        let selection = try NodeSelection.choose(nodes: [T.node("w1", os: "windows"), byInfo], names: [])
        #expect(selection.collect.isEmpty)
        #expect(selection.skipped.map(\.node) == ["w1", "w2"] && selection.skipped.allSatisfy { $0.hint != nil })
    }

    @Test func notReadyAndNoCondition() throws {
        let none: JSONValue = ["apiVersion": "v1", "kind": "Node", "metadata": ["name": "x"]]
        let selection = try NodeSelection.choose(nodes: [T.node("n", ready: "False"), none], names: [])
        #expect(selection.skipped.map(\.reason) == ["node is NotReady (Ready=False: kubelet stopped posting node status)",
                                                    "node is NotReady (no Ready condition)"])
    }
}
