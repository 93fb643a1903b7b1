import Foundation
import Testing
@testable import AKSNetLab

/// Where the Windows nodes sit in the address plan (pure): the next free pool subnet, .4 onwards,
/// clear of every Linux pool's subnet, and the Node object shows the same address.
struct WindowsNodeNetworkTests {
    @Test func windowsNodesTakeTheNextPoolSubnet() throws {
        let plan = try LabAddressPlan(spec: LabNetworkSpec(labID: "abc", plugin: .kubenet, nodePools: [
            NodePoolSpec(name: "nodepool1", count: 2), NodePoolSpec(name: "userpool", count: 1),
        ], windowsNodes: 2))
        #expect(plan.windowsSubnet?.description == "10.224.2.0/24")
        #expect(plan.windowsNodes.map(\.name) == ["akswin000000", "akswin000001"])
        #expect(plan.windowsNodes.map(\.netns) == ["aksl-abc-win1", "aksl-abc-win2"])
        #expect(plan.windowsNodes.map(\.ipv4.description) == ["10.224.2.4", "10.224.2.5"])
        #expect(plan.windowsNodes.map(\.gatewayIPv4.description) == ["10.224.2.1", "10.224.2.1"])
        #expect(plan.windowsNodes.map(\.vnetLink) == ["win1", "win2"])
        // The Linux side is what it was.
        #expect(plan.nodes.map(\.ipv4.description) == ["10.224.0.4", "10.224.0.5", "10.224.1.4"])
        #expect(plan.nodes.map(\.netns) == ["aksl-abc-node1", "aksl-abc-node2", "aksl-abc-node3"])

        let object = ClusterObjects.windowsNode(plan.windowsNodes[1])
        let addresses = object["status"]?["addresses"]?.arrayValue ?? []
        #expect(addresses.first?["address"]?.stringValue == "10.224.2.5")
        #expect(object["metadata"]?["name"]?.stringValue == "akswin000001")
        #expect(object["spec"]?["taints"]?.arrayValue?.first?["value"]?.stringValue == "windows")
    }

    @Test func aPoolOnTheNextSubnetPushesTheWindowsSubnetOn() throws {
        let taken = try #require(IPv4CIDR("10.224.1.0/24"))
        let plan = try LabAddressPlan(spec: LabNetworkSpec(labID: "abc", plugin: .azure, nodePools: [
            NodePoolSpec(name: "nodepool1", count: 1, subnet: taken),
        ], windowsNodes: 1))
        #expect(plan.windowsSubnet?.description == "10.224.2.0/24")
        #expect(plan.windowsNodes.map(\.ipv4.description) == ["10.224.2.4"])
    }

    @Test func noWindowsNodesNoSubnetAndTheLimitHolds() throws {
        let none = try LabAddressPlan(spec: LabNetworkSpec(labID: "abc", plugin: .kubenet, nodes: 2))
        #expect(none.windowsSubnet == nil && none.windowsNodes.isEmpty)
        #expect(throws: LabNetworkError.self) {
            try LabAddressPlan(spec: LabNetworkSpec(labID: "abc", plugin: .kubenet, nodePools: [NodePoolSpec(name: "p", count: 1)], windowsNodes: 5))
        }
    }

    /// A dataplane fault names a Linux node; a Windows node gets its own answer, not "no such node".
    @Test func faultsOnAWindowsNodeAreRefusedByName() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("aksnet-windows-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try LabNetworkState(spec: LabNetworkSpec(labID: "abc", plugin: .kubenet, nodePools: [NodePoolSpec(name: "nodepool1", count: 1)],
                                                 windowsNodes: 1)).save(to: file)
        let network = try LabNetwork.attach(stateFile: file)
        #expect(network.windowsNodes.map(\.name) == ["akswin000000"])
        #expect(try network.canonicalName(.ipForwardOff(node: "node1")) == .ipForwardOff(node: network.nodes[0].name))
        #expect {
            try network.canonicalName(.missingRoute(node: "akswin000000"))
        } throws: { error in
            (error as? LabNetworkError)?.description.contains("akswin000000 is a Windows node") == true
        }
    }

    /// A state file written before Windows nodes had a network still loads (for `down`).
    @Test func anOlderStateFileHasNoWindowsNodes() throws {
        let json = #"{"labID":"abc","plugin":"kubenet","ipFamily":"ipv4","nodePools":[{"name":"nodepool1","count":2}],"mtu":1500,"maxPodsPerNode":30}"#
        let spec = try JSONDecoder().decode(LabNetworkSpec.self, from: Data(json.utf8))
        #expect(spec.windowsNodes == 0 && spec.nodePools.first?.count == 2)
        let again = try JSONDecoder().decode(LabNetworkSpec.self, from: try JSONEncoder().encode(LabNetworkSpec(labID: "abc", plugin: .azure, nodes: 1)))
        #expect(again.plugin == .azure && again.windowsNodes == 0)
    }
}
