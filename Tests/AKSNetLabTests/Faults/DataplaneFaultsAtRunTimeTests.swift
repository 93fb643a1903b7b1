import TestSupport
import Foundation
import Testing

/// Dataplane faults switched on a running lab with `fault set|clear`: pod-to-pod across nodes
/// works, breaks within a second of `set missing-route:node2`, and works again after `clear`.
@Suite(.serialized) struct DataplaneFaultsAtRunTimeTests {
    @Test func missingRouteOnAndOff() throws {
        let lab = try LabCluster(["--nodes", "2"])
        defer { lab.down() }
        let dir = lab.dir
        func k(_ args: [String]) throws -> ProcessResult { try lab.k(args) }
        let nodes = try lab.nodes()
        try #require(nodes.count == 2)
        try lab.run("a", node: nodes[0])
        try lab.run("b", node: nodes[1])
        let peer = try k(["get", "pod", "b", "-o", "jsonpath={.status.podIP}"]).stdout
        func ping() throws -> Bool { try k(["exec", "a", "--", "ping", "-c", "1", "-W", "1", peer]).status == 0 }
        func eventually(_ wanted: Bool) throws -> Bool {
            for _ in 0..<20 {
                if try ping() == wanted { return true }
                usleep(100_000)
            }
            return false
        }
        #expect(try ping(), "pod a reaches pod b on the other node")

        let set = try FaultsOnLabTests.fault(dir, ["set", "missing-route:node2"])
        #expect(set.status == 0 && set.stdout.contains("missing-route:node2"), "\(set)")
        #expect(try eventually(false), "the VNet route to node2's pods is gone")
        #expect(try FaultsOnLabTests.fault(dir, ["list"]).stdout.contains("missing-route:node2"))

        #expect(try FaultsOnLabTests.fault(dir, ["clear", "missing-route"]).status == 0)
        #expect(try eventually(true), "the route is back")
        let unknown = try FaultsOnLabTests.fault(dir, ["set", "no-such-fault:node1"])
        #expect(unknown.status == 2 && unknown.stderr.contains("not a fault"), "\(unknown)")
    }
}
