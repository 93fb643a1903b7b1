import Foundation
import TestSupport
import Testing

/// Issue 15: sniff (and jump --shell) through a throttling API server (the lab's
/// `api-5xx=0.3 api-429=0.2` storm): every run gets its capture (or its exit 0), and nothing of ours is left (no helper pod, no running
/// ephemeral container); a sniff started while every request is throttled completes once the
/// storm clears, within its request timeout.
@Suite(.serialized) struct SniffUnderThrottlingTests {
    static var plugin: String { PluginOnLabTests.plugin }
    static let managed = "app.kubernetes.io/managed-by=kubectl-aksnet"

    static func leftovers(_ lab: LabCluster, pod: String) throws -> (pods: String, running: [String]) {
        let pods = try lab.k(["get", "pods", "-A", "-l", managed, "-o", "name"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let states = try SniffEndsItsContainersTests.noneRunning(lab, pod: pod)
        return (pods, states.filter { $0.value == "running" }.map(\.key))
    }

    @Test func tenRunsOfEachModeUnderTheStorm() throws {
        let lab = try LabCluster(["--nodes", "1"])
        defer { lab.down() }
        let node = try #require(try lab.nodes().first)
        try lab.run("a", node: node)
        let nodeIP = try lab.k(["get", "node", node, "-o", "jsonpath={.status.addresses[?(@.type==\"InternalIP\")].address}"]).stdout
        // Seen by both: on the pod's eth0 and on the node's side of its veth.
        let pinger = try Background(Self.plugin, ["exec"] + lab.kc + ["a", "--", "ping", "-c", "6000", "-i", "0.1", nodeIP])
        defer { _ = pinger.stop() }
        #expect(try LifecycleTests.lab(["fault", "--dir", lab.dir, "set", "api-5xx=0.3", "api-429=0.2"]).status == 0)
        // The pod loop and the node loop run side by side (each run spends most of its time
        // waiting out Retry-After; together they also make the storm busier).
        let failures = Failures()
        let group = DispatchGroup()
        for (name, target) in [("pod", "a"), ("node", "node/\(node)")] {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                for run in 0..<10 {
                    let file = lab.dir + "/storm-\(name)-\(run).pcapng"
                    guard let result = try? Shell.run(Self.plugin, ["sniff"] + lab.kc + [target, "-f", "icmp", "--duration", "2s", "-q", "-o", file],
                                                      timeout: 120),
                          let packets = try? Shell.run("/usr/bin/capinfos", ["-c", "-M", file], timeout: 20).stdout else {
                        failures.add("\(name) run \(run): could not run"); continue
                    }
                    let count = packets.split(separator: "\n").first { $0.contains("Number of packets") }
                        .flatMap { Int($0.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "") } ?? 0
                    if result.status != 0 || count == 0 { failures.add("\(name) run \(run): exit \(result.status), \(count) packets: \(result.stderr)") }
                }
            }
        }
        // jump --shell NODE -- true, ten times, beside them.
        group.enter()
        Thread.detachNewThread {
            defer { group.leave() }
            for run in 0..<10 {
                guard let result = try? Shell.run(Self.plugin, ["jump"] + lab.kc + ["--shell", node, "--", "true"], timeout: 120) else {
                    failures.add("jump run \(run): could not run"); continue
                }
                if result.status != 0 { failures.add("jump run \(run): exit \(result.status): \(result.stderr)") }
            }
        }
        #expect(group.wait(timeout: .now() + 600) == .success, "the runs did not finish")
        #expect(failures.list.isEmpty, "\(failures.list.joined(separator: "\n"))")
        _ = try LifecycleTests.lab(["fault", "--dir", lab.dir, "clear"])
        let left = try Self.leftovers(lab, pod: "a")
        #expect(left.pods.isEmpty && left.running.isEmpty, "left behind: \(left)")
    }

    /// Every request throttled for 5 s, then cleared: a sniff started meanwhile completes.
    @Test func aSniffStartedDuringAFullStormCompletesOnceItClears() throws {
        let lab = try LabCluster(["--nodes", "1"])
        defer { lab.down() }
        try lab.run("b")
        #expect(try LifecycleTests.lab(["fault", "--dir", lab.dir, "set", "api-429=1"]).status == 0)
        let started = Date()
        let sniff = try Background(Self.plugin, ["sniff"] + lab.kc + ["b", "--duration", "1s", "-q", "-o", lab.dir + "/late.pcapng"])
        usleep(5_000_000)
        _ = try LifecycleTests.lab(["fault", "--dir", lab.dir, "clear"])
        let code = sniff.wait(timeout: 60)
        #expect(code == 0, "exit \(String(describing: code)): \(sniff.errors)")
        #expect(Date().timeIntervalSince(started) >= 5)
        let left = try Self.leftovers(lab, pod: "b")
        #expect(left.pods.isEmpty && left.running.isEmpty, "left behind: \(left)")
        // With a request timeout shorter than the storm, it fails with one clear line instead.
        #expect(try LifecycleTests.lab(["fault", "--dir", lab.dir, "set", "api-429=1"]).status == 0)
        let short = try Shell.run(Self.plugin, ["sniff"] + lab.kc + ["b", "--request-timeout", "2s", "--duration", "1s", "-q",
                                                                      "-o", lab.dir + "/short.pcapng"], timeout: 60)
        _ = try LifecycleTests.lab(["fault", "--dir", lab.dir, "clear"])
        #expect(short.status == 1 && short.stderr.contains("TooManyRequests"), "\(short)")
        // One line, as kubectl words it: `Error from server (TooManyRequests): …`.
        #expect(short.stderr.split(separator: "\n").count == 1, "\(short.stderr)")
    }
}

final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ item: String) { lock.withLock { items.append(item) } }
    var list: [String] { lock.withLock { items } }
}
