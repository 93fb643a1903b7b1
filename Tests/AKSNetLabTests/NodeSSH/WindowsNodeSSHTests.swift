import Foundation
import TestSupport
import Testing

/// A Windows node of the lab: a network namespace holding the Node object's InternalIP, on a
/// subnet the VNet router serves, with its own sshd (hostname: the node's name) that a Linux
/// node reaches the way it reaches another Linux node; no kubelet port; `down` removes it all,
/// also after the lab daemon was killed.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd")
                              && FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh")))
struct WindowsNodeSSHTests {
    static let windows = "akswin000000"

    struct Lab {
        let dir: String
        let labID: String
        var windowsNetns: String { "aksl-\(labID)-win1" }
        var linuxNetns: String { "aksl-\(labID)-node1" }

        func ssh(from netns: String, _ host: String, alias: String? = nil, _ command: String) throws -> ProcessResult {
            var options = ["-F", "/dev/null", "-i", dir + "/ssh/id_ed25519", "-o", "UserKnownHostsFile=\(dir)/ssh/known_hosts",
                           "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "ConnectTimeout=5"]
            if let alias { options += ["-o", "HostKeyAlias=\(alias)"] }
            return try Shell.run("/usr/sbin/ip", ["netns", "exec", netns, "/usr/bin/ssh"] + options + ["root@\(host)", command], timeout: 20)
        }

        var sshdPID: pid_t? {
            (try? String(contentsOfFile: "\(dir)/ssh/nodes/\(WindowsNodeSSHTests.windows)/sshd.pid", encoding: .utf8))
                .flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
    }

    static func withLab(_ body: (Lab) throws -> Void) throws {
        let dir = FaultsOnLabTests.newLabDir()
        defer { _ = try? LifecycleTests.lab(["down", "--dir", dir]); try? FileManager.default.removeItem(atPath: dir) }
        let up = try LifecycleTests.lab(["up", "--dir", dir, "--nodes", "2", "--windows-nodes", "1"])
        try #require(up.status == 0, "\(up)")
        try body(Lab(dir: dir, labID: try LifecycleTests.labID(dir)))
    }

    static func ip(_ args: [String]) throws -> String { try Shell.run("/usr/sbin/ip", args).stdout }

    @Test func theWindowsNodeAnswersSSHFromALinuxNodeAndDownRemovesIt() throws {
        let kubectl = try #require(LabFixture.kubectlPath)
        try Self.withLab { lab in
            let jsonpath = #"jsonpath={.status.addresses[?(@.type=="InternalIP")].address}"#
            let object = try Shell.run(kubectl, ["--kubeconfig", lab.dir + "/kubeconfig", "get", "node", Self.windows, "-o", jsonpath])
            let ip = object.stdout
            #expect(object.status == 0 && ip.hasPrefix("10.224."), "\(object)")
            // The Node object's InternalIP is the address of the node's namespace.
            #expect(try Self.ip(["-n", lab.windowsNetns, "-4", "-o", "addr", "show", "eth0"]).contains("inet \(ip)/24"))
            // A Windows node runs no pods here: no kubelet port, no kube-proxy rules, no pod bridge; only sshd listens.
            let listening = try Shell.run("/usr/sbin/ip", ["netns", "exec", lab.windowsNetns, "ss", "-Htln"]).stdout
            #expect(listening.contains(":22 ") && !listening.contains(":10250 "), "\(listening)")
            #expect(!(try Self.ip(["-n", lab.windowsNetns, "link", "show"])).contains("cbr0"))
            // The root namespace has no route to the lab (only the VNet router routes to the Windows subnet).
            let subnet = ip.split(separator: ".").prefix(3).joined(separator: ".") + "."
            let rootRoutes = try Self.ip(["-4", "route", "show", "table", "all"])
            #expect(!rootRoutes.contains(subnet), "\(rootRoutes)")
            let known = try String(contentsOfFile: lab.dir + "/ssh/known_hosts", encoding: .utf8)
            #expect(known.split(separator: "\n").contains { $0.hasPrefix("\(Self.windows),\(ip) ") }, "\(known)")

            // From a Linux node's namespace, by IP with strict checking, then with the name as the known_hosts key.
            let byIP = try lab.ssh(from: lab.linuxNetns, ip, "hostname && ip -4 -o addr show eth0")
            #expect(byIP.status == 0 && byIP.stdout.hasPrefix(Self.windows + "\n") && byIP.stdout.contains("inet \(ip)/"), "\(byIP)")
            let byName = try lab.ssh(from: lab.linuxNetns, ip, alias: Self.windows, "hostname")
            #expect(byName.status == 0 && byName.stdout == Self.windows + "\n", "\(byName)")
            // The Windows node's own hostname is its own: a Linux node's sshd is untouched.
            let linuxIP = try Self.ip(["-n", lab.linuxNetns, "-4", "-o", "addr", "show", "eth0"])
                .split(separator: " ").first { $0.contains("/") }.map { String($0.split(separator: "/")[0]) } ?? ""
            let linux = try lab.ssh(from: lab.windowsNetns, linuxIP, "hostname")
            #expect(linux.status == 0 && linux.stdout != Self.windows + "\n", "\(linux)")

            let pid = try #require(lab.sshdPID)
            #expect(NodeSSHTests.isLabSSHD(pid, lab.dir))
            #expect(try Self.ip(["netns", "identify", String(pid)]).trimmingCharacters(in: .whitespacesAndNewlines) == lab.windowsNetns)
            #expect(try LifecycleTests.lab(["down", "--dir", lab.dir]).status == 0)
            #expect(!NodeSSHTests.isLabSSHD(pid, lab.dir), "the Windows node's sshd outlived down")
            #expect(try LifecycleTests.labNamespaces(lab.labID).isEmpty)
        }
    }

    @Test func downAfterACrashStopsTheWindowsNodesSSHDAndNamespace() throws {
        try Self.withLab { lab in
            let pid = try #require(lab.sshdPID)
            let daemon = try #require(pid_t(try String(contentsOfFile: lab.dir + "/lab.pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            kill(daemon, SIGKILL)
            usleep(300_000)
            #expect(NodeSSHTests.isLabSSHD(pid, lab.dir), "the sshd outlives its daemon until down")
            #expect(try LifecycleTests.labNamespaces(lab.labID).contains(lab.windowsNetns))
            let down = try LifecycleTests.lab(["down", "--dir", lab.dir])
            #expect(down.status == 0 && down.stderr.contains("stopped 3 node sshd"), "\(down)")
            #expect(!NodeSSHTests.isLabSSHD(pid, lab.dir), "the Windows node's sshd outlived down")
            #expect(try LifecycleTests.labNamespaces(lab.labID).isEmpty)
        }
    }
}
