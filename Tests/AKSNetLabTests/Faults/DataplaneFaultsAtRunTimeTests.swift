import TestSupport
import Foundation
import Testing

/// Dataplane faults switched on a running lab with `fault set|clear`: pod-to-pod across nodes
/// works, breaks within a second of `set missing-route:node2`, and works again after `clear`.
@Suite(.serialized) struct DataplaneFaultsAtRunTimeTests {
    @Test func missingRouteOnAndOff() throws {
        let kubectl = try #require(LabFixture.kubectlPath)
        let dir = FaultsOnLabTests.newLabDir()
        defer { _ = try? LifecycleTests.lab(["down", "--dir", dir]); try? FileManager.default.removeItem(atPath: dir) }
        #expect(try LifecycleTests.lab(["up", "--dir", dir, "--nodes", "2"]).status == 0)
        let kc = ["--kubeconfig", dir + "/kubeconfig"]
        func k(_ args: [String]) throws -> ProcessResult { try Shell.run(kubectl, kc + args, timeout: 30) }
        let nodes = try k(["get", "nodes", "-o", "jsonpath={.items[*].metadata.name}"]).stdout.split(separator: " ").map(String.init)
        try #require(nodes.count == 2)
        for (pod, node) in [("a", nodes[0]), ("b", nodes[1])] {
            #expect(try k(["run", pod, "--image=busybox", "--overrides", #"{"spec":{"nodeName":"\#(node)"}}"#, "--", "sleep", "3600"]).status == 0)
        }
        #expect(try k(["wait", "--for=condition=Ready", "pod/a", "pod/b", "--timeout=20s"]).status == 0)
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
