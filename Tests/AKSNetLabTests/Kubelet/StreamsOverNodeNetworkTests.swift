import TestSupport
import Foundation
import Testing

/// exec/attach/port-forward and logs travel as on a real cluster: from the API server, out of the
/// control plane's namespace (10.224.255.4), through the VNet router to the node's kubelet on
/// NODE_IP:10250 — so a capture on the node sees the stream that carries an exec.
@Suite(.serialized) struct StreamsOverNodeNetworkTests {
    static let controlPlane = "10.224.255.4"

    @Test func anExecStreamIsSeenOnTheNodesNetwork() throws {
        let lab = try LabCluster(["--nodes", "1"])
        defer { lab.down() }
        let node = try #require(try lab.nodes().first)
        let nodeIP = try lab.k(["get", "node", node, "-o", "jsonpath={.status.addresses[?(@.type==\"InternalIP\")].address}"]).stdout
        let port = try lab.k(["get", "node", node, "-o", "jsonpath={.status.daemonEndpoints.kubeletEndpoint.Port}"]).stdout
        #expect(port == "10250")
        try lab.run("streamer", node: node)
        let labID = try LifecycleTests.labID(lab.dir)

        // tcpdump on every interface of the node, counting the packets of the kubelet's port.
        let capture = try Background("/usr/sbin/ip", ["netns", "exec", "aksl-\(labID)-node1", "tcpdump", "-i", "any", "-nn", "-l",
                                                      "-c", "20", "tcp", "port", "10250"])
        defer { capture.stop() }
        #expect(capture.waitFor("listening on", inErrors: true), "\(capture.errors)")
        // 2 MB from the pod to kubectl: through the node's kubelet, out of its eth0 to the control plane.
        let exec = try lab.k(["exec", "streamer", "--", "sh", "-c", "head -c 2000000 /dev/zero | tr '\\0' x"])
        #expect(exec.status == 0 && exec.stdout.utf8.count == 2_000_000 && exec.stdout.allSatisfy { $0 == "x" }, "\(exec.stderr)")
        let started = Date()
        _ = capture.wait(timeout: 10)
        #expect(Date().timeIntervalSince(started) < 5, "tcpdump saw fewer than 20 packets")
        let lines = capture.output.split(separator: "\n")
        let toKubelet = lines.filter { $0.contains("\(Self.controlPlane).") && $0.contains("> \(nodeIP).10250:") }
        let fromKubelet = lines.filter { $0.contains("\(nodeIP).10250 > \(Self.controlPlane).") }
        #expect(toKubelet.count > 0 && fromKubelet.count > 0, "\(capture.output)\n\(capture.errors)")

        // The root namespace has no way to the control plane's address; pods and nodes have one.
        let root = try Shell.run("/usr/sbin/ip", ["-4", "route", "show"])
        #expect(!root.stdout.contains("10.224."), "root: \(root.stdout)")
        let fromNode = try Shell.run("/usr/sbin/ip", ["netns", "exec", "aksl-\(labID)-node1", "ping", "-c", "1", "-W", "2", Self.controlPlane])
        #expect(fromNode.status == 0, "\(fromNode)")

        // The API server's address is learnable from the cluster, on 443 as on AKS.
        let slice = try lab.k(["get", "endpointslice", "kubernetes", "-n", "default",
                               "-o", "jsonpath={.endpoints[0].addresses[0]}:{.ports[0].port}"])
        #expect(slice.stdout == "\(Self.controlPlane):443", "\(slice)")
        let endpoints = try lab.k(["get", "endpoints", "kubernetes", "-n", "default",
                                   "-o", "jsonpath={.subsets[0].addresses[0].ip}:{.subsets[0].ports[0].port}"])
        #expect(endpoints.stdout == "\(Self.controlPlane):443", "\(endpoints)")
    }

    /// Logs come from the kubelet too: `kubectl logs` of a pod reads its node's /containerLogs.
    @Test func logsAreFetchedFromTheNodesKubelet() throws {
        let lab = try LabCluster(["--nodes", "1"])
        defer { lab.down() }
        let labID = try LifecycleTests.labID(lab.dir)
        try lab.run("talker", ["sh", "-c", "echo hello-from-the-node; sleep 3600"])
        let capture = try Background("/usr/sbin/ip", ["netns", "exec", "aksl-\(labID)-node1", "tcpdump", "-i", "eth0", "-nn", "-l",
                                                      "-A", "-c", "30", "tcp", "port", "10250"])
        defer { capture.stop() }
        #expect(capture.waitFor("listening on", inErrors: true))
        // Ready does not mean the first line is written yet (on a busy machine it may not be):
        // ask again, as a user would, for a few seconds.
        var logs = try lab.k(["logs", "talker"])
        for _ in 0..<50 where logs.stdout.isEmpty {
            usleep(200_000)
            logs = try lab.k(["logs", "talker"])
        }
        #expect(logs.stdout == "hello-from-the-node\n", "\(logs)")
        #expect(capture.waitFor("GET /containerLogs/default/talker/talker"), "\(capture.output)")
        let missing = try lab.k(["logs", "talker", "-c", "nope"])
        #expect(missing.status != 0 && missing.stderr.contains("container nope is not valid"), "\(missing)")
    }

    /// `kubectl logs` answers with what the container has written until now, as a kubelet reading
    /// the runtime's file at the request does, not as of the lab kubelet's last 200 ms tick (a
    /// quick `kubectl debug … -i -- cmd` falls back to logs and would miss its own output).
    @Test func logsAreWhatTheFileHoldsNow() throws {
        let lab = try LabCluster(["--nodes", "1"])
        defer { lab.down() }
        try lab.run("writer", ["sleep", "3600"])
        // The container's stdout file, written here as the container would.
        let path = "\(lab.dir)/pods/default/writer/writer.log"
        try #require(FileManager.default.fileExists(atPath: path), "no \(path)")
        for round in 0..<5 {
            let file = try #require(FileHandle(forWritingAtPath: path))
            file.seekToEndOfFile()
            file.write(Data("line-\(round)\n".utf8))
            try file.close()
            let logs = try lab.k(["logs", "writer"])
            #expect(logs.stdout.hasSuffix("line-\(round)\n"), "round \(round): \(logs)")
        }
    }
}
