import TestSupport
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

    /// An interactive `exec -it` on a lab pod through tmux: the size follows the pane, Ctrl-D leaves, the terminal is restored.
    @Test func ttyExecOnTheLabThroughTmux() throws {
        let kubectl = try #require(LabFixture.kubectlPath)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aksnet-lab-\(UUID().uuidString)").path
        defer { _ = try? LifecycleTests.lab(["down", "--dir", dir]); try? FileManager.default.removeItem(atPath: dir) }
        #expect(try LifecycleTests.lab(["up", "--dir", dir, "--nodes", "1"]).status == 0)
        let kubeconfig = dir + "/kubeconfig"
        #expect(try Shell.run(kubectl, ["--kubeconfig", kubeconfig, "run", "t", "--image=busybox", "--", "sleep", "3600"]).status == 0)
        var phase = ""
        for _ in 0..<100 where phase != "Running" {
            phase = try Shell.run(kubectl, ["--kubeconfig", kubeconfig, "get", "pod", "t", "-o", "jsonpath={.status.phase}"]).stdout
            if phase != "Running" { usleep(100_000) }
        }
        let tty = try TtyScenario.run("\(Self.plugin) exec --kubeconfig \(kubeconfig) -it t -- sh", scratch: dir, tmux: Tmux("labtty"))
        #expect(tty.first.contains("24 80"), "screen: \(tty.first)")
        #expect(tty.resized.contains("30 100"), "screen after resize: \(tty.resized)")
        #expect(tty.exited.contains("EXIT=0"), "screen after Ctrl-D: \(tty.exited)")
        #expect(!tty.sttyBefore.isEmpty && tty.sttyBefore == tty.sttyAfter, "the terminal was not restored")
    }

    /// `kubectl aksnet port-forward` to an HTTP server in a lab pod: 256 MiB byte-exact, and 4 connections at once.
    @Test func portForwardOnTheLabIsByteExact() throws {
        let kubectl = try #require(LabFixture.kubectlPath)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aksnet-lab-\(UUID().uuidString)").path
        defer { _ = try? LifecycleTests.lab(["down", "--dir", dir]); try? FileManager.default.removeItem(atPath: dir) }
        #expect(try LifecycleTests.lab(["up", "--dir", dir, "--nodes", "1"]).status == 0)
        let site = dir + "/site"
        try FileManager.default.createDirectory(atPath: site, withIntermediateDirectories: true)
        #expect(try Shell.run("/bin/sh", ["-c", "head -c 268435456 /dev/urandom > '\(site)/big'; head -c 33554432 /dev/urandom > '\(site)/small'"]).status == 0)
        let kc = ["--kubeconfig", dir + "/kubeconfig"]
        #expect(try Shell.run(kubectl, kc + ["run", "web", "--image=python", "--", "python3", "-m", "http.server", "8000", "--bind", "0.0.0.0", "--directory", site]).status == 0)
        var phase = ""
        for _ in 0..<100 where phase != "Running" {
            phase = try Shell.run(kubectl, kc + ["get", "pod", "web", "-o", "jsonpath={.status.phase}"]).stdout
            if phase != "Running" { usleep(100_000) }
        }
        usleep(500_000)  // http.server binding
        let forward = try Background(Self.plugin, ["port-forward"] + kc + ["web", "0:8000"])
        defer { forward.stop() }
        #expect(forward.waitFor("Forwarding from"), "port-forward: \(forward.errors)")
        let banner = forward.output
        let port = try #require(banner.split(separator: ":").last.flatMap { $0.split(separator: " ").first }.flatMap { Int($0) }, "banner: \(banner)")
        @Sendable func digest(_ command: String) throws -> String {
            String(try Shell.run("/bin/sh", ["-c", command + " | sha256sum"], timeout: 120).stdout.prefix(64))
        }
        let url = "http://127.0.0.1:\(port)"
        #expect(try digest("curl -s --max-time 100 \(url)/big") == digest("cat '\(site)/big'"))
        let small = try digest("cat '\(site)/small'")
        let results = NSLock()
        nonisolated(unsafe) var got: [String] = []
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            let one = (try? digest("curl -s --max-time 100 \(url)/small")) ?? "failed"
            results.lock(); got.append(one); results.unlock()
        }
        #expect(got == Array(repeating: small, count: 4))
    }
}
