import Foundation
import Testing

/// The plugin's own streams against a real lab, side by side with kubectl:
/// the same commands give the same stdout, stderr and exit code.
@Suite(.serialized) struct PluginOnLabTests {
    static let plugin: String = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kubectl-aksnet").path,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent(".build/debug/kubectl-aksnet").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[1]
    }()

    @Test func execMatchesKubectlExec() throws {
        let kubectl = try #require(LabFixture.kubectlPath)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aksnet-lab-\(UUID().uuidString)").path
        defer { _ = try? LifecycleTests.lab(["down", "--dir", dir]); try? FileManager.default.removeItem(atPath: dir) }
        #expect(try LifecycleTests.lab(["up", "--dir", dir, "--nodes", "2"]).status == 0)
        let kc = ["--kubeconfig", dir + "/kubeconfig"]
        #expect(try Shell.run(kubectl, kc + ["run", "p", "--image=busybox", "--", "sleep", "3600"]).status == 0)
        var phase = ""
        for _ in 0..<100 where phase != "Running" {
            phase = try Shell.run(kubectl, kc + ["get", "pod", "p", "-o", "jsonpath={.status.phase}"]).stdout
            if phase != "Running" { usleep(100_000) }
        }
        #expect(phase == "Running")
        let commands: [(args: [String], stdin: String?)] = [
            (["echo", "hello"], nil),
            (["sh", "-c", "echo out; echo err >&2; exit 7"], nil),
            (["sh", "-c", "exit 0"], nil),
            (["cat"], "line one\nline two\n"),
            (["sh", "-c", "ip -4 -o addr show eth0 | wc -l"], nil),
            (["false"], nil),
        ]
        for command in commands {
            let stdinFlag = command.stdin == nil ? [] : ["-i"]
            let theirs = try Shell.run(kubectl, kc + ["exec"] + stdinFlag + ["p", "--"] + command.args, stdin: command.stdin)
            let ours = try Shell.run(Self.plugin, ["exec"] + kc + stdinFlag + ["p", "--"] + command.args, stdin: command.stdin)
            #expect(ours.status == theirs.status, "\(command.args): exit \(ours.status) vs kubectl \(theirs.status)")
            #expect(ours.stdout == theirs.stdout, "\(command.args): stdout \(ours.stdout) vs \(theirs.stdout)")
            #expect(ours.stderr == theirs.stderr, "\(command.args): stderr \(ours.stderr) vs \(theirs.stderr)")
        }
        let missing = try Shell.run(Self.plugin, ["exec"] + kc + ["p", "--", "nosuchcmd"])
        #expect(missing.status == 1 && missing.stderr.contains("executable file not found"))
    }
}
