import TestSupport
import Foundation
import Testing

/// Issue 9's first defect: our ephemeral capture container ends on every exit path of sniff
/// (done, a limit, an error, SIGINT, SIGTERM, a closed reader, even SIGKILL), and `cleanup`
/// ends one nobody holds. The lab's kubelet expands `$(NAME)` and `$$` in container commands as
/// a real one does, so a design that read a PID back from the container's log would fail here.
@Suite(.serialized) struct SniffEndsItsContainersTests {
    static var plugin: String { PluginOnLabTests.plugin }

    /// Every ephemeral container of the pod, by name → its state (`running`, `terminated`, `waiting`).
    static func ephemeralStates(_ lab: LabCluster, pod: String) throws -> [String: String] {
        let text = try lab.k(["get", "pod", pod, "-o", "jsonpath={range .status.ephemeralContainerStatuses[*]}{.name}={.state}{\"\\n\"}{end}"]).stdout
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let state = ["running", "terminated", "waiting"].first { parts[1].contains("\"\($0)\"") } ?? String(parts[1])
            out[String(parts[0])] = state
        }
        return out
    }

    /// Waits (10 s at most) until the pod's status lists at least `count` ephemeral containers
    /// and none of them runs. A kubelet reports a container's start and end at its relist, so
    /// one that already ended may not be listed yet.
    static func noneRunning(_ lab: LabCluster, pod: String, count: Int = 0) throws -> [String: String] {
        var states: [String: String] = [:]
        for _ in 0..<100 {
            states = try ephemeralStates(lab, pod: pod)
            if states.count >= count && !states.values.contains("running") { break }
            usleep(100_000)
        }
        return states
    }

    func sniff(_ lab: LabCluster, _ args: [String], timeout: Double = 60) throws -> ProcessResult {
        try Shell.run(Self.plugin, ["sniff"] + lab.kc + args, timeout: timeout)
    }

    @Test func everyExitPathEndsTheEphemeralContainer() throws {
        let lab = try LabCluster(["--nodes", "1"])
        defer { lab.down() }
        try lab.run("a")
        let dir = lab.dir
        var seen = 0
        func check(_ path: String) throws {
            let states = try Self.noneRunning(lab, pod: "a", count: seen + 1)
            #expect(states.count == seen + 1, "\(path): one container more: \(states)")
            #expect(!states.values.contains("running") && states.values.allSatisfy { $0 == "terminated" }, "\(path): \(states)")
            seen = states.count
        }
        // Done: --duration, and --count (tcpdump stops itself).
        let done = try sniff(lab, ["a", "--mode", "ephemeral", "--duration", "1s", "-o", dir + "/d.pcapng"])
        #expect(done.status == 0, "\(done)")
        try check("--duration")
        let pinger = try Background(Self.plugin, ["exec"] + lab.kc + ["a", "--", "ping", "-c", "60", "-i", "0.1", "127.0.0.1"])
        defer { _ = pinger.stop() }
        let counted = try sniff(lab, ["a", "-i", "lo", "-f", "icmp", "--count", "4", "-o", dir + "/c.pcapng"])
        #expect(counted.status == 0, "\(counted)")
        try check("--count")
        // An error after the container ran: a filter tcpdump rejects.
        let bad = try sniff(lab, ["a", "-f", "nonsense here", "-o", dir + "/e.pcapng"])
        #expect(bad.status == 1 && bad.stderr.contains("syntax error"), "\(bad)")
        try check("a rejected filter")
        // Signals.
        for signal in [SIGINT, SIGTERM] {
            let running = try Background(Self.plugin, ["sniff"] + lab.kc + ["a", "-o", dir + "/s\(signal).pcapng"])
            #expect(running.waitFor("capturing", inErrors: true, timeout: 30), "\(running.errors)")
            running.signal(signal)
            #expect(running.wait(timeout: 20) == 0, "signal \(signal): \(running.errors)")
            try check("signal \(signal)")
        }
        // A reader that leaves.
        let piped = try Shell.run("/bin/sh", ["-c", "\"$0\" sniff \"$@\" -o - | head -c 100 > /dev/null; echo status=$?",
                                              Self.plugin] + lab.kc + ["a", "-i", "lo", "--quiet"], timeout: 40)
        #expect(piped.stdout.contains("status=0"), "\(piped)")
        try check("| head")
        // SIGKILL: no handler runs; the attach that held the container's stdin goes away with
        // the process, the runtime closes the stdinOnce stdin, and the container ends by itself.
        let killed = try Background(Self.plugin, ["sniff"] + lab.kc + ["a", "-o", dir + "/k.pcapng"])
        #expect(killed.waitFor("capturing", inErrors: true, timeout: 30), "\(killed.errors)")
        killed.signal(SIGKILL)
        _ = killed.wait(timeout: 10)
        try check("SIGKILL")
    }

    /// A container of ours that no sniff holds (its sniff was killed before it attached): cleanup ends it.
    @Test func cleanupEndsAContainerNobodyHolds() throws {
        let lab = try LabCluster(["--nodes", "1"])
        defer { lab.down() }
        try lab.run("b")
        let patch = #"{"spec":{"ephemeralContainers":[{"name":"aksnet-sniff-0f0f0f0f","image":"nicolaka/netshoot","command":["timeout","3600","cat"],"stdin":true,"stdinOnce":true}]}}"#
        let added = try lab.k(["patch", "pod", "b", "--subresource", "ephemeralcontainers", "--type", "strategic", "-p", patch])
        #expect(added.status == 0, "\(added)")
        var states: [String: String] = [:]
        for _ in 0..<100 where states["aksnet-sniff-0f0f0f0f"] != "running" {
            states = try Self.ephemeralStates(lab, pod: "b")
            usleep(100_000)
        }
        #expect(states["aksnet-sniff-0f0f0f0f"] == "running", "\(states)")
        let dry = try Shell.run(Self.plugin, ["cleanup"] + lab.kc + ["--dry-run"], timeout: 20)
        #expect(dry.status == 0 && dry.stdout.contains("would be stopped"), "\(dry)")
        let cleaned = try Shell.run(Self.plugin, ["cleanup"] + lab.kc, timeout: 30)
        #expect(cleaned.status == 0 && cleaned.stdout.contains("aksnet-sniff-0f0f0f0f") && cleaned.stdout.contains("stopped"), "\(cleaned)")
        #expect(try Self.noneRunning(lab, pod: "b")["aksnet-sniff-0f0f0f0f"] == "terminated")
    }
}
