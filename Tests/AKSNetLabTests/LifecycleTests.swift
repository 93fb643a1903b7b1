import TestSupport
import Foundation
import Testing

/// `kubectl-aksnet-lab up/status/down` as a user runs them, checked with the real kubectl.
@Suite(.serialized) struct LifecycleTests {
    static let labBinary: String = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kubectl-aksnet-lab").path,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent(".build/debug/kubectl-aksnet-lab").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[1]
    }()

    static func lab(_ arguments: [String]) throws -> Shell.Result {
        try Shell.run(labBinary, arguments, timeout: 60)
    }

    static func labNamespaces(_ labID: String) throws -> [String] {
        try Shell.run("/usr/sbin/ip", ["netns", "list"]).stdout.split(separator: "\n")
            .map { String($0.split(separator: " ").first ?? "") }.filter { $0.hasPrefix("aksl-\(labID)-") }
    }

    static func labID(_ dir: String) throws -> String {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/lab.json"))) as? [String: Any]
        return json?["labID"] as? String ?? ""
    }

    @Test func upIsReadyQuicklyAndDownLeavesNothing() throws {
        let kubectl = try #require(LabFixture.kubectlPath)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aksnet-lab-\(UUID().uuidString)").path
        defer { _ = try? Self.lab(["down", "--dir", dir]); try? FileManager.default.removeItem(atPath: dir) }
        // What this lab could leave in the root namespace, before it exists (the machine may have
        // Docker's or a firewall's tables with moving counters, and other labs running).
        let rootBefore = try RootNamespaceTrace.take()

        let started = Date()
        let up = try Self.lab(["up", "--dir", dir, "--nodes", "3", "--windows-nodes", "1"])
        let elapsed = Date().timeIntervalSince(started)
        #expect(up.status == 0, "\(up.stderr)")
        #expect(elapsed < 10, "up took \(elapsed) s")
        let labID = try Self.labID(dir)
        #expect(try Self.labNamespaces(labID).count == 6, "three Linux nodes, the Windows node, the VNet router and the control plane")

        let nodes = try Shell.run(kubectl, ["--kubeconfig", dir + "/kubeconfig", "get", "nodes", "-o", "wide", "--no-headers"])
        let lines = nodes.stdout.split(separator: "\n")
        #expect(lines.count == 4, "\(nodes.stdout)\(nodes.stderr)")
        #expect(lines.allSatisfy { $0.contains(" Ready ") })
        #expect(lines.filter { $0.contains("10.224.0.") }.count == 3)
        let viewer = try Shell.run(kubectl, ["--kubeconfig", dir + "/kubeconfig", "--context", "aksnet-lab-viewer", "auth", "can-i", "create", "pods"])
        #expect(viewer.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "no")
        let token = try Shell.run(kubectl, ["--kubeconfig", dir + "/kubeconfig", "--context", "aksnet-lab-token", "get", "ns", "kube-system", "--no-headers"])
        #expect(token.stdout.contains("kube-system"), "\(token.stderr)")
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/kubeconfig")[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let status = try Self.lab(["status", "--dir", dir])
        #expect(status.status == 0 && status.stdout.contains("running"))
        let pid = try #require(Int32((try String(contentsOfFile: dir + "/lab.pid", encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)))

        let down = try Self.lab(["down", "--dir", dir])
        #expect(down.status == 0, "\(down.stderr)")
        #expect(try Self.labNamespaces(labID).isEmpty)
        #expect(kill(pid, 0) != 0, "the lab process is still there")
        #expect(try Self.lab(["status", "--dir", dir]).status == 1)
        let rootAfter = try RootNamespaceTrace.take()
        #expect(rootAfter.left(by: labID, since: rootBefore).isEmpty, "the lab left in the root namespace: \(rootAfter.left(by: labID, since: rootBefore))")
    }

    @Test func twoLabsAtOnceAndDownAfterACrash() throws {
        let dirs = (0..<2).map { _ in FileManager.default.temporaryDirectory.appendingPathComponent("aksnet-lab-\(UUID().uuidString)").path }
        defer { for dir in dirs { _ = try? Self.lab(["down", "--dir", dir]); try? FileManager.default.removeItem(atPath: dir) } }
        for (dir, plugin) in zip(dirs, ["azure", "overlay"]) {
            let up = try Self.lab(["up", "--dir", dir, "--network-plugin", plugin, "--nodes", "2"])
            #expect(up.status == 0, "\(plugin): \(up.stderr)")
        }
        let ids = try dirs.map(Self.labID)
        // Each node's "/" holds the files that tell its network mode.
        let azureNodes = try FileManager.default.contentsOfDirectory(atPath: dirs[0] + "/nodes")
        #expect(azureNodes.count == 2)
        for node in azureNodes {
            #expect(FileManager.default.fileExists(atPath: dirs[0] + "/nodes/\(node)/etc/cni/net.d/10-azure.conflist"))
            #expect(FileManager.default.fileExists(atPath: dirs[0] + "/nodes/\(node)/var/run/azure-vnet.json"))
        }
        for node in try FileManager.default.contentsOfDirectory(atPath: dirs[1] + "/nodes") {
            #expect(FileManager.default.fileExists(atPath: dirs[1] + "/nodes/\(node)/etc/cni/net.d/15-azure-swift-overlay.conflist"))
        }
        #expect(Set(ids).count == 2)
        // A crash: the daemon is killed without a chance to clean up; down still removes everything.
        let pid = try #require(Int32((try String(contentsOfFile: dirs[0] + "/lab.pid", encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(pid, SIGKILL)
        usleep(300_000)
        #expect(try Self.labNamespaces(ids[0]).count == 4, "namespaces survive the crash until down")
        #expect(try Self.lab(["down", "--dir", dirs[0]]).status == 0)
        #expect(try Self.labNamespaces(ids[0]).isEmpty)
        #expect(try Self.labNamespaces(ids[1]).count == 4, "the other lab is untouched")
        #expect(try Self.lab(["down", "--dir", dirs[1]]).status == 0)
        #expect(try Self.labNamespaces(ids[1]).isEmpty)
    }

    @Test func badArgumentsAreUsageErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aksnet-lab-\(UUID().uuidString)").path
        #expect(try Self.lab(["up", "--dir", dir, "--network-plugin", "flannel"]).status == 2)
        #expect(try Self.lab(["up", "--dir", dir, "--nodepools", "Bad=x"]).status == 2)
        #expect(!FileManager.default.fileExists(atPath: dir))
    }
}
