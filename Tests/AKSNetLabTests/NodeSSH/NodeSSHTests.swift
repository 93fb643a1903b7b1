import Foundation
import TestSupport
import Testing

/// Each node's sshd, reached from a pod's network namespace with strict host key checking
/// against the lab's known_hosts, and stopped by `down` (also after the daemon was killed).
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd")))
struct NodeSSHTests {
    static func sshdPIDs(_ dir: String) -> [pid_t] {
        let nodes = (try? FileManager.default.contentsOfDirectory(atPath: dir + "/ssh/nodes")) ?? []
        return nodes.compactMap { node in
            (try? String(contentsOfFile: "\(dir)/ssh/nodes/\(node)/sshd.pid", encoding: .utf8))
                .flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
    }

    /// True while `pid` is an sshd of this lab (not gone, not a zombie, not a reused PID).
    static func isLabSSHD(_ pid: pid_t, _ dir: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        return String(decoding: data, as: UTF8.self).contains(dir + "/ssh/nodes/")
    }

    static func etcSSH() throws -> String { try Shell.run("/bin/ls", ["-la", "--time-style=full-iso", "/etc/ssh"]).stdout }

    @Test func eachNodeAnswersWithItsOwnHostKeyAndDownStopsThem() throws {
        let kubectl = try #require(LabFixture.kubectlPath)
        let dir = FaultsOnLabTests.newLabDir()
        defer { _ = try? LifecycleTests.lab(["down", "--dir", dir]); try? FileManager.default.removeItem(atPath: dir) }
        let etcBefore = try Self.etcSSH()
        #expect(try LifecycleTests.lab(["up", "--dir", dir, "--nodes", "2"]).status == 0)
        let labID = try LifecycleTests.labID(dir)
        let known = try String(contentsOfFile: dir + "/ssh/known_hosts", encoding: .utf8).split(separator: "\n")
        #expect(known.count == 2, "\(known)")
        let nodes: [(name: String, ip: String)] = known.compactMap { line in
            let names = line.split(separator: " ").first?.split(separator: ",") ?? []
            return names.count >= 2 ? (String(names[0]), String(names[1])) : nil
        }
        #expect(nodes.count == 2 && nodes.allSatisfy { $0.name.hasPrefix("aks-nodepool1-") && $0.ip.hasPrefix("10.224.0.") })
        for file in ["id_ed25519", "id_ed25519.pub"] { #expect(FileManager.default.fileExists(atPath: "\(dir)/ssh/\(file)")) }

        let kc = ["--kubeconfig", dir + "/kubeconfig"]
        #expect(try Shell.run(kubectl, kc + ["run", "client", "--image=busybox", "--", "sleep", "3600"]).status == 0)
        #expect(try FaultsOnLabTests.waitRunning(kubectl, kc, "client"))
        let podNetns = try #require(try Shell.run("/usr/sbin/ip", ["netns", "list"]).stdout.split(separator: "\n")
            .map { String($0.split(separator: " ").first ?? "") }
            .first { $0.hasPrefix("aksl-\(labID)-pod-") && $0.contains("client") })

        func ssh(_ ip: String, alias: String? = nil, _ command: String) throws -> ProcessResult {
            var options = ["-F", "/dev/null", "-i", dir + "/ssh/id_ed25519", "-o", "UserKnownHostsFile=\(dir)/ssh/known_hosts",
                           "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "ConnectTimeout=5"]
            if let alias { options += ["-o", "HostKeyAlias=\(alias)"] }
            return try Shell.run("/usr/sbin/ip", ["netns", "exec", podNetns, "/usr/bin/ssh"] + options + ["root@\(ip)", command], timeout: 20)
        }
        for node in nodes {
            // By InternalIP, and with the node's name as the known_hosts key: the same host key.
            let byIP = try ssh(node.ip, "hostname >/dev/null && ip -4 -o addr show eth0")
            #expect(byIP.status == 0 && byIP.stdout.contains("inet \(node.ip)/"), "\(node): \(byIP)")
            let byName = try ssh(node.ip, alias: node.name, "true")
            #expect(byName.status == 0, "\(node): \(byName)")
            // The session's home is the node's (a copy of /etc/skel), never this machine's.
            let home = try ssh(node.ip, #"printf '%s\n' "$HOME"; ls -A ~"#)
            let homeLines = home.stdout.split(separator: "\n").map(String.init)
            #expect(home.status == 0 && homeLines.first == "\(dir)/ssh/nodes/\(node.name)/home", "\(node): \(home)")
            let skeleton = (try? FileManager.default.contentsOfDirectory(atPath: "/etc/skel")) ?? []
            #expect(Set(homeLines.dropFirst()) == Set(skeleton), "\(node): \(home)")
        }
        // Host keys differ per node: node 1's name does not vouch for node 2.
        let crossed = try ssh(nodes[1].ip, alias: nodes[0].name, "true")
        #expect(crossed.status == 255 && crossed.stderr.contains("HOST IDENTIFICATION HAS CHANGED"), "\(crossed)")

        let pids = Self.sshdPIDs(dir)
        #expect(pids.count == 2 && pids.allSatisfy { Self.isLabSSHD($0, dir) })
        #expect(try LifecycleTests.lab(["down", "--dir", dir]).status == 0)
        #expect(!pids.contains { Self.isLabSSHD($0, dir) }, "an sshd of the lab outlived down")
        #expect(try Self.etcSSH() == etcBefore, "/etc/ssh changed")
    }

    @Test func downStopsTheNodesSSHDAfterTheLabCrashed() throws {
        let dir = FaultsOnLabTests.newLabDir()
        defer { _ = try? LifecycleTests.lab(["down", "--dir", dir]); try? FileManager.default.removeItem(atPath: dir) }
        #expect(try LifecycleTests.lab(["up", "--dir", dir, "--nodes", "2"]).status == 0)
        let pids = Self.sshdPIDs(dir)
        #expect(pids.count == 2 && pids.allSatisfy { Self.isLabSSHD($0, dir) })
        let daemon = try #require(pid_t(try String(contentsOfFile: dir + "/lab.pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(daemon, SIGKILL)
        usleep(200_000)
        #expect(pids.allSatisfy { Self.isLabSSHD($0, dir) }, "the sshd outlive their daemon until down")
        let down = try LifecycleTests.lab(["down", "--dir", dir])
        #expect(down.status == 0 && down.stderr.contains("stopped 2 node sshd"), "\(down)")
        #expect(!pids.contains { Self.isLabSSHD($0, dir) }, "an sshd of the lab outlived down")
    }
}
