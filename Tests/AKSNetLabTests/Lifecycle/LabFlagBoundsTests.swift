@testable import AKSNetLab
import Foundation
import Testing
import TestSupport

/// `kubectl-aksnet-lab`'s numeric, duration, share and size flags (and fault specs), given each
/// hostile value through the real argument parsing (parse + validate, never run): exit 2 and
/// one `error: …` line, or taken, never a trap; then the argv fuzz of every lab command.
struct LabFlagBoundsTests {
    struct FlagCase: Sendable, CustomStringConvertible {
        let name: String
        let argv: @Sendable (String) -> [String]
        let accepts: Set<String>
        var description: String { name }
    }

    static let dir = "/nonexistent/aksnet-lab-flags"

    static let cases: [FlagCase] = {
        let up = ["kubectl-aksnet-lab", "up", "--dir", dir]
        let set = ["kubectl-aksnet-lab", "fault", "--dir", dir, "set"]
        var cases: [FlagCase] = [
            FlagCase(name: "up --nodes", argv: { up + ["--nodes=\($0)"] }, accepts: ["+5"]),
            FlagCase(name: "up --windows-nodes", argv: { up + ["--windows-nodes=\($0)"] }, accepts: ["-0"]),
            FlagCase(name: "up --nodepools", argv: { up + ["--nodepools=\($0)"] }, accepts: []),
            FlagCase(name: "up --nodepools pool=N", argv: { up + ["--nodepools=pool=\($0)"] }, accepts: []),
            FlagCase(name: "serve --port", argv: { ["kubectl-aksnet-lab", "serve", "--dir", dir, "--port=\($0)"] }, accepts: ["-0", "+5"]),
        ]
        // Retry-After takes Int(_:)'s spellings of 0 and 5, both in 0...60.
        let specs: [(String, Set<String>)] = [
            ("api-5xx=%", []), ("api-5xx=0.5:%", []), ("api-429=%", []), ("api-429=0.5:%", ["-0", "+5"]),
            ("api-latency=%", []), ("token-expire=%", []), ("stream-drop=%", []), ("mtu-mismatch:node1:%", []),
        ]
        for (spec, accepts) in specs {
            let render: @Sendable (String) -> String = { spec.replacingOccurrences(of: "%", with: $0) }
            cases.append(FlagCase(name: "up --break \(spec)", argv: { up + ["--break", render($0)] }, accepts: accepts))
            cases.append(FlagCase(name: "fault set \(spec)", argv: { set + [render($0)] }, accepts: accepts))
        }
        return cases
    }()

    @Test(arguments: cases)
    func hostileValuesAreUsageErrorsOnOneLine(flag: FlagCase) {
        let walked = HostileValues.walk(flag: flag.name, accepts: flag.accepts, argv: flag.argv) { LabEntry.check($0) }
        for problem in walked.problems { Issue.record(Comment(rawValue: problem)) }
        print(walked.table.joined(separator: "\n"))
    }

    @Test(arguments: [
        ("stream-drop=8589934591Gi", true), ("stream-drop=8589934592Gi", false), ("token-expire=24h", true), ("token-expire=25h", false),
        ("api-latency=600s", true), ("api-latency=601s", false), ("api-5xx=0.25:502", true), ("mtu-mismatch:node1:1400", true),
    ])
    func specBoundsAreWhereTheMessagesSay(spec: String, taken: Bool) {
        let argv = ["kubectl-aksnet-lab", "fault", "--dir", Self.dir, "set", spec]
        let finished = LabEntry.check(argv)
        #expect((finished == nil) == taken, "\(spec): \(HostileValues.outcome(finished))")
    }

    @Test func describeOfTheLongestFaultsDoesNotTrap() throws {
        var faults = APIFaults()
        try faults.apply("token-expire=24h", now: 0)
        try faults.apply("stream-drop=8589934591Gi")
        #expect(faults.describe(now: -1e300) == ["token-expire=\(Int.max)s", "stream-drop=\(8_589_934_591 << 30)"])
    }

    static let commands: [ArgvFuzzer.Command] = [
        .init(prefix: ["kubectl-aksnet-lab", "up", "--dir", dir],
              options: ["--network-plugin", "--network-policy", "--kube-proxy", "--ip-family", "--nodes", "--nodepools", "--windows-nodes",
                        "--images", "--break"],
              switches: [], valid: ["kubenet", "3", "pool=2,user=1", "api-5xx=0.2", "stream-drop=64Ki", "mtu-mismatch:node1:1400"]),
        .init(prefix: ["kubectl-aksnet-lab", "fault", "--dir", dir, "set"], options: [], switches: [],
              valid: ["api-5xx=0.2:503", "api-429=0.5:3", "api-latency=3s", "token-expire=30s", "stream-drop=1Mi", "policy-drop:web"]),
        .init(prefix: ["kubectl-aksnet-lab", "serve", "--dir", dir], options: ["--port"], switches: [], valid: ["0", "6443"]),
    ]

    @Test func argvFuzzNeverTraps() throws {
        // The table first: a wrong outcome there stops here, before thousands of mutations.
        for flag in Self.cases {
            for value in HostileValues.all {
                let finished = LabEntry.check(flag.argv(value))
                try #require(finished == nil || finished?.code == 2, "\(flag.name) \(value.debugDescription)")
            }
        }
        // Each argv costs ~20 ms in a debug build (argument-parser's own DEBUG checks): see ArgvFuzzTests.
        let perCommand = ProcessInfo.processInfo.environment["AKSNET_ARGV_FUZZ"].flatMap { Int($0) }.map { min(max($0, 1), 1_000_000) } ?? 300
        var fuzzer = ArgvFuzzer(seed: 0x6C61_6273)
        var (taken, usage, help) = (0, 0, 0)
        let started = Date()
        for command in Self.commands {
            for _ in 0..<perCommand {
                let argv = fuzzer.argv(for: command)
                guard let finished = LabEntry.check(argv) else { taken += 1; continue }
                switch finished.code {
                case 0: help += 1
                case 2:
                    usage += 1
                    if finished.stderr.filter({ $0 == "\n" }).count != 1 || !finished.stderr.hasPrefix("error: ") {
                        Issue.record("not one line for \(argv): \(finished.stderr.debugDescription)")
                    }
                default: Issue.record("exit \(finished.code) for \(argv): \(finished.stderr.debugDescription)")
                }
            }
        }
        let total = perCommand * Self.commands.count
        print("argv fuzz kubectl-aksnet-lab: \(total) inputs (\(Self.commands.count) commands), taken \(taken), usage errors \(usage), help \(help), traps 0, \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }

    /// The values `up` and `fault set` validate: every API fault spec, node pools and dataplane
    /// specs, 8,000 values × 8 templates; refused with a LabError or taken, never a trap.
    @Test func faultSpecFuzzNeverTraps() {
        var fuzzer = ArgvFuzzer(seed: 0x7370_6563)
        let templates = ["api-5xx=%", "api-5xx=0.5:%", "api-429=%", "api-429=0.5:%", "api-latency=%", "token-expire=%", "stream-drop=%"]
        var (specs, taken) = (0, 0)
        let started = Date()
        for _ in 0..<8_000 {
            let value = fuzzer.value()
            for template in templates {
                var faults = APIFaults()
                if (try? faults.apply(template.replacingOccurrences(of: "%", with: value), now: 0)) != nil {
                    taken += 1
                    _ = faults.describe(now: 0)
                }
                specs += 1
            }
            _ = try? LabConfig.parsePools(value)
            _ = try? LabConfig.parsePools("pool=" + value)
            _ = try? LabFault.parse("mtu-mismatch:node1:" + value, defaultNode: "node1")
            specs += 3
        }
        print("value fuzz kubectl-aksnet-lab: \(specs) specs, API faults taken \(taken), traps 0, \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }
}
