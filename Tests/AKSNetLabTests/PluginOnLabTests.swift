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
        let lab = try LabCluster(["--nodes", "2"])
        defer { lab.down() }
        let (kubectl, kc) = (lab.kubectl, lab.kc)
        try lab.run("p")
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
            let theirErrors = Self.withoutClientGoRace(theirs.stderr)
            #expect(ours.stderr == theirErrors, "\(command.args): stderr \(ours.stderr) vs \(theirErrors)")
        }
        let missing = try Shell.run(Self.plugin, ["exec"] + kc + ["p", "--", "nosuchcmd"])
        #expect(missing.status == 1 && missing.stderr.contains("executable file not found"))
    }

    /// A server's first exec frame is an empty one on the lowest output channel (a kubelet sends
    /// it as soon as the streams exist, to say the connection is up); client-go starts reading
    /// before it has made its streams, so at times it meets that frame first and logs
    /// `websocket.go:N] Unknown stream id 1, discarding message`. The frame is empty: nothing is
    /// lost, and a real cluster gives the same race. That log line is client-go's, not the
    /// command's output, so the comparison leaves it out.
    static func withoutClientGoRace(_ stderr: String) -> String {
        stderr.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !($0.hasPrefix("E") && $0.contains("websocket.go:") && $0.contains("Unknown stream id")) }
            .joined(separator: "\n")
    }

    @Test func clientGoRaceLineIsTheOnlyOneLeftOut() {
        let raw = "E1202 18:31:07.541082   4242 websocket.go:296] Unknown stream id 1, discarding message\ncommand terminated with exit code 1\n"
        #expect(Self.withoutClientGoRace(raw) == "command terminated with exit code 1\n")
        #expect(Self.withoutClientGoRace("Error: Unknown stream id\n") == "Error: Unknown stream id\n")
    }

    /// An interactive `exec -it` on a lab pod through tmux: the size follows the pane, Ctrl-D leaves, the terminal is restored.
    @Test func ttyExecOnTheLabThroughTmux() throws {
        let lab = try LabCluster()
        defer { lab.down() }
        let (kubeconfig, dir) = (lab.kubeconfig, lab.dir)
        try lab.run("t")
        let tty = try TtyScenario.run("\(Self.plugin) exec --kubeconfig \(kubeconfig) -it t -- sh", scratch: dir, tmux: Tmux("labtty"))
        #expect(tty.first.contains("24 80"), "screen: \(tty.first)")
        #expect(tty.resized.contains("30 100"), "screen after resize: \(tty.resized)")
        #expect(tty.exited.contains("EXIT=0"), "screen after Ctrl-D: \(tty.exited)")
        #expect(!tty.sttyBefore.isEmpty && tty.sttyBefore == tty.sttyAfter, "the terminal was not restored")
    }

    /// `kubectl aksnet port-forward` to an HTTP server in a lab pod: 256 MiB byte-exact, and 4 connections at once.
    @Test func portForwardOnTheLabIsByteExact() throws {
        let lab = try LabCluster()
        defer { lab.down() }
        let kc = lab.kc
        let site = lab.dir + "/site"
        try FileManager.default.createDirectory(atPath: site, withIntermediateDirectories: true)
        #expect(try Shell.run("/bin/sh", ["-c", "head -c 268435456 /dev/urandom > '\(site)/big'; head -c 33554432 /dev/urandom > '\(site)/small'"]).status == 0)
        try lab.run("web", image: "python", ["python3", "-m", "http.server", "8000", "--bind", "0.0.0.0", "--directory", site])
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

    /// Backpressure end to end: a reader taking ~4 MB/s slows the producer in the pod to about
    /// its pace (what is produced stays within the buffers of the way), and our RSS stays flat.
    @Test func slowReaderSlowsThePodAndMemoryStaysFlat() throws {
        let lab = try LabCluster()
        defer { lab.down() }
        let (kc, dir) = (lab.kubeconfig, lab.dir)
        try lab.run("p")
        let progress = dir + "/produced-mib"
        // 1 MiB at a time, counting (the count replaced by a rename, so a read never sees the file
        // between truncation and write); stops by itself after 1 GiB.
        let producer = "i=0; while [ $i -lt 1024 ]; do head -c 1048576 /dev/zero || exit 0; i=$((i+1)); echo $i > \(progress).new; mv \(progress).new \(progress); done"
        // Reads 12 MiB at 64 KiB per 15 ms (~4 MB/s), then leaves.
        let reader = "import sys,time\nn=0\nwhile n < 12<<20:\n    b=sys.stdin.buffer.read(65536)\n    if not b: break\n    n+=len(b)\n    time.sleep(0.015)\nprint(n)"
        let pipeline = try Background("/bin/sh", ["-c", #""$0" exec --kubeconfig "$1" p -- sh -c "$2" | python3 -c "$3""#,
                                                  Self.plugin, kc, producer, reader])
        defer { pipeline.stop() }
        var pluginPID: Int32?
        var peakKiB = 0
        var samples: [Int] = []
        let started = Spawn.now()
        while pipeline.isRunning, Spawn.now() - started < 30 {
            if pluginPID == nil {
                let children = (try? Shell.run("/usr/bin/pgrep", ["-P", "\(pipeline.pid)", "-f", "exec --kubeconfig"]).stdout) ?? ""
                pluginPID = children.split(separator: "\n").first.flatMap { Int32($0) }
            }
            if let pid = pluginPID, let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
               let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
               let kib = Int(line.split(separator: " ").dropFirst().first ?? "") {
                peakKiB = max(peakKiB, kib)
                samples.append(kib)
            }
            usleep(100_000)
        }
        #expect(pipeline.wait(timeout: 10) != nil, "the pipeline ends once the reader leaves")
        #expect(pipeline.output.trimmed == "\(12 << 20)", "reader: \(pipeline.output) \(pipeline.errors)")
        let produced = Int(((try? String(contentsOfFile: progress, encoding: .utf8)) ?? "").trimmed) ?? -1
        print("backpressure: reader took 12 MiB in \(String(format: "%.1f", Spawn.now() - started)) s; pod produced \(produced) MiB; our peak RSS \(peakKiB / 1024) MiB")
        // Reading took ~3 s; a producer that did not wait would have written far more than 12 MiB plus buffers.
        #expect(produced >= 12 && produced < 12 + 48, "the pod produced \(produced) MiB for a reader of 12 MiB")
        #expect(pluginPID != nil && peakKiB > 0 && peakKiB < 40 * 1024, "our peak RSS (debug build; release is ~21 MB, bench/streams) \(peakKiB) KiB (samples \(samples.count))")
    }
}
