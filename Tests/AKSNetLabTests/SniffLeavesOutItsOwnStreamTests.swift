import TestSupport
import Foundation
import Testing

/// Issue 9's second defect: on a node the capture's own stream (API server → kubelet on
/// NODE_IP:10250, which the lab now carries over the node's network as a real cluster does)
/// would be captured, and each captured packet would make more. sniff leaves that flow out and
/// says so; with --capture-own-stream it keeps it, warns, and the loop guard stops the flood.
@Suite(.serialized) struct SniffLeavesOutItsOwnStreamTests {
    static var plugin: String { PluginOnLabTests.plugin }

    static func fields(_ file: String) throws -> [[String]] {
        let out = try Shell.run("/usr/bin/tshark", ["-r", file, "-T", "fields", "-e", "udp.dstport", "-e", "tcp.port"], timeout: 120)
        return out.stdout.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func aNodeCaptureUnderLoadStaysBounded() throws {
        let lab = try LabCluster(["--nodes", "1"])
        defer { lab.down() }
        let node = try #require(try lab.nodes().first)
        try lab.run("a", node: node)
        try lab.run("c", node: node)
        let nodeIP = try lab.k(["get", "node", node, "-o", "jsonpath={.status.addresses[?(@.type==\"InternalIP\")].address}"]).stdout
        let target = try lab.podIP("c")
        let file = lab.dir + "/node.pcapng"
        let sniff = try Background(Self.plugin, ["sniff"] + lab.kc + ["node/\(node)", "-o", file])
        #expect(sniff.waitFor("capturing", inErrors: true, timeout: 30), "\(sniff.errors)")
        // 2,000 UDP datagrams from a to c (same node), 1 ms apart, meanwhile.
        let sent = 2000
        let load = try Shell.run(Self.plugin, ["exec"] + lab.kc + ["a", "--", "python3", "-c",
            "import socket,time\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\nfor i in range(\(sent)):\n s.sendto(b'x'*64,('\(target)',9999)); time.sleep(0.001)"],
            timeout: 60)
        #expect(load.status == 0, "\(load)")
        usleep(1_000_000)
        sniff.signal(SIGINT)
        #expect(sniff.wait(timeout: 30) == 0, "\(sniff.errors)")
        #expect(sniff.errors.contains("leaving out the traffic that carries the capture: tcp port 10250 on \(nodeIP)"), "\(sniff.errors)")
        #expect(sniff.errors.contains("10.224.255.4:443"), "the API server's endpoint, from the kubernetes EndpointSlice: \(sniff.errors)")
        let rows = try Self.fields(file)
        let load9999 = rows.filter { $0.first == "9999" }.count
        let own = rows.filter { $0.count > 1 && $0[1].split(separator: ",").contains("10250") }.count
        // Each datagram crosses a's veth, the bridge and c's veth: a whole number of copies each.
        let copies = Double(load9999) / Double(sent)
        #expect(abs(copies - copies.rounded()) * Double(sent) <= Double(sent) / 100 && copies.rounded() >= 1, "\(load9999) for \(sent) sent")
        #expect(own == 0, "\(own) packets of the kubelet stream were captured")
        #expect(rows.count - load9999 < 500, "\(rows.count - load9999) packets besides the load: the capture grew with itself")
    }

    @Test func keepingTheOwnStreamIsWarnedAndTheLoopIsStopped() throws {
        let lab = try LabCluster(["--nodes", "1"])
        defer { lab.down() }
        let node = try #require(try lab.nodes().first)
        let started = Date()
        let run = try Shell.run(Self.plugin, ["sniff"] + lab.kc + ["node/\(node)", "--capture-own-stream", "--duration", "30s",
                                                                    "-o", lab.dir + "/own.pcapng"], timeout: 90)
        #expect(run.stderr.contains("warning: node/\(node): --capture-own-stream"), "\(run.stderr)")
        #expect(run.status == 1 && run.stderr.contains("capturing its own stream"), "\(run)")
        #expect(Date().timeIntervalSince(started) < 30, "the guard stops it before --duration")
        let read = try Shell.run("/usr/bin/capinfos", [lab.dir + "/own.pcapng"], timeout: 60)
        #expect(read.status == 0, "what was written is still a valid file: \(read)")
    }
}
