import Foundation
import TestSupport
import Testing

/// `kubectl aksnet jump` to the lab's Windows node (its own namespace and sshd, hostname the
/// node's name): ssh through `--stdio` by name and by InternalIP with strict host key checking,
/// and `jump NODE -- COMMAND`, the relay always on a Linux node; with the node's sshd stopped, the Windows wording of
/// "nothing answers on 22".
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd")
                              && FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh")))
struct JumpWindowsOnLabTests {
    typealias Lab = JumpOnLabTests.Lab

    @Test func sshReachesTheWindowsNodeThroughARelayOnALinuxNode() throws {
        try JumpOnLabTests.withLab { lab, nodes, windows in
            try #require(!windows.isEmpty)
            let ip = try lab.internalIP(windows)
            for host in [windows, ip] {
                let run = try Background("/usr/bin/ssh", lab.sshOptions + ["-o", "ProxyCommand=\(lab.proxy)", "root@\(host)", "hostname; sleep 3"])
                #expect(run.waitFor(windows + "\n", timeout: 60), "\(host): \(run.output) \(run.errors)")
                // While the session runs: its relay, for the Windows node, sits on a Linux node.
                let relays = try relayPlacement(lab)
                #expect(relays.count == 1 && relays.allSatisfy { $0.target == windows && nodes.contains($0.node) },
                        "\(host): relays \(relays), Linux nodes \(nodes)")
                #expect(run.wait(timeout: 60) == 0, "\(host): \(run.errors)")
                #expect(run.output == windows + "\n", "\(host): \(run.output)")
                #expect(try lab.waitNoManagedPods() == "")
            }
            // `jump NODE -- COMMAND` (the local ssh, through the same relay) too.
            let jumped = try lab.sshJump(windows, ["hostname"])
            #expect(jumped.status == 0 && jumped.stdout == windows + "\n", "\(jumped)")
            #expect(try lab.waitNoManagedPods() == "")
        }
    }

    @Test func aStoppedSSHDOnTheWindowsNodeIsSaidClearly() throws {
        try JumpOnLabTests.withLab { lab, _, windows in
            try #require(!windows.isEmpty)
            try lab.stopSSHD(windows)
            let ip = try lab.internalIP(windows)
            let want = "node \(windows) (\(ip)) does not accept SSH on port 22: SSH may be disabled on this node pool "
                + "(az aks nodepool update --ssh-access …) or the Windows node runs no OpenSSH server"
            for args in [["--stdio", windows], ["--stdio", ip]] {
                let refused = try lab.jump(args)
                #expect(refused.status == 1 && refused.stderr == "error: \(want)\n", "\(args): \(refused)")
            }
            #expect(try lab.waitNoManagedPods() == "")
        }
    }

    /// Each relay pod's target node (its `aksnet.io/jump-node` label) and `spec.nodeName`.
    func relayPlacement(_ lab: Lab) throws -> [(target: String, node: String)] {
        let template = #"{range .items[*]}{.metadata.labels.aksnet\.io/jump-node}{" "}{.spec.nodeName}{"\n"}{end}"#
        let listed = try lab.cluster.k(["get", "pods", "-n", "aksnet-system", "-l", "aksnet.io/jump-role=relay", "-o", "jsonpath=\(template)"])
        return listed.stdout.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ")
            return words.count == 2 ? (String(words[0]), String(words[1])) : nil
        }
    }
}
