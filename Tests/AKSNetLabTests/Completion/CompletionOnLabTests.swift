import Foundation
import Testing
import TestSupport

/// kubectl's own plugin completion: `kubectl __complete aksnet …` finds `kubectl_complete-aksnet`
/// on PATH (plugins/), which asks `kubectl-aksnet __complete`, which asks the lab.
struct CompletionOnLabTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    @Test func kubectlCompletesThroughThePlugin() throws {
        let lab = try LabCluster(["--nodes", "1"])
        defer { lab.down() }
        try lab.run("web-a")
        try lab.run("web-b")
        let node = try #require(try lab.nodes().first)
        // PATH: the layout install.sh makes (kubectl-aksnet, its -sniff/-jump links, the completion
        // helper and its -sniff/-jump links), then the system; kubectl is called by full path.
        // kubectl takes `aksnet sniff` as the plugin kubectl-aksnet-sniff when that is on PATH and
        // then asks kubectl_complete-aksnet-sniff: both ways are exercised here.
        let bin = lab.dir + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        // Absolute: the plugin's path may be relative to the test's folder, the link lives elsewhere.
        let plugin = URL(fileURLWithPath: PluginOnLabTests.plugin).standardizedFileURL.path
        try FileManager.default.createSymbolicLink(atPath: bin + "/kubectl-aksnet", withDestinationPath: plugin)
        try FileManager.default.createSymbolicLink(atPath: bin + "/kubectl_complete-aksnet",
                                                   withDestinationPath: Self.root + "/plugins/kubectl_complete-aksnet")
        for command in ["sniff", "jump"] {
            try FileManager.default.createSymbolicLink(atPath: bin + "/kubectl-aksnet-\(command)", withDestinationPath: "kubectl-aksnet")
            try FileManager.default.createSymbolicLink(atPath: bin + "/kubectl_complete-aksnet-\(command)",
                                                       withDestinationPath: "kubectl_complete-aksnet")
        }
        let environment = ["PATH": bin + ":/usr/sbin:/usr/bin:/sbin:/bin", "KUBECONFIG": lab.kubeconfig, "HOME": lab.dir]
        func complete(_ words: [String]) throws -> [String] {
            let result = try Shell.run(lab.kubectl, ["__complete", "aksnet"] + words, environment: environment, timeout: 20)
            #expect(result.status == 0, "\(words): \(result)")
            return result.stdout.split(separator: "\n").map { String($0.split(separator: "\t").first ?? "") }
        }
        #expect(try complete(["sn"]).contains("sniff"))
        let targets = try complete(["sniff", ""])
        #expect(targets.contains("web-a") && targets.contains("web-b") && targets.contains("node/"), "\(targets)")
        #expect(try complete(["sniff", "node/"]).contains("node/\(node)"))
        #expect(try complete(["jump", "--shell", ""]).contains(node))
        #expect(try complete(["sniff", "--mode", ""]).prefix(3) == ["auto", "ephemeral", "node"])
        #expect(try complete(["sniff", "-n", "kube-system", "web"]).filter { $0.hasPrefix("web") }.isEmpty)

        // Without the per-command links, kubectl asks kubectl_complete-aksnet with `sniff` as a word.
        for command in ["sniff", "jump"] {
            try FileManager.default.removeItem(atPath: bin + "/kubectl-aksnet-\(command)")
            try FileManager.default.removeItem(atPath: bin + "/kubectl_complete-aksnet-\(command)")
        }
        #expect(try complete(["sniff", ""]).contains("web-b"))
        #expect(try complete(["jump", "--profile", "n"]) == ["netadmin", ":4"])

        // How long one answer takes, straight from the plugin (the figure the README quotes).
        var times: [Double] = []
        for _ in 0..<5 {
            let started = Date()
            let direct = try Shell.run(PluginOnLabTests.plugin, ["__complete", "sniff", ""], environment: environment, timeout: 10)
            times.append(Date().timeIntervalSince(started))
            #expect(direct.stdout.hasSuffix(":4\n") && direct.stdout.contains("web-a\n"), "\(direct)")
        }
        let median = times.sorted()[times.count / 2]
        print("completion latency on the lab: median \(Int(median * 1000)) ms of \(times.count) (kubectl-aksnet __complete sniff '')")
        #expect(median < 2.0)
    }
}
