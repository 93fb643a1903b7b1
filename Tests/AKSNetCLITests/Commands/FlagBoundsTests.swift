import AKSNetCLI
import Foundation
import Testing
import TestSupport

/// Every numeric, duration and size flag of every `kubectl-aksnet` command, given each hostile
/// value through the real argument parsing (parse + validate, never run): exit 2 and one
/// `error: …` line, or taken, and never a trap. The argv fuzz (ArgvFuzzTests) runs after these.
@Suite(.serialized) struct FlagBoundsTests {
    /// One flag of one command: the argv around the value, and the hostile values it takes.
    struct FlagCase: Sendable, CustomStringConvertible {
        let name: String
        let argv: @Sendable (String) -> [String]
        let accepts: Set<String>
        var description: String { name }
    }

    static let commands: [(String, [String], [String])] = [
        // command, argv before the flag, argv after it
        ("version", ["kubectl-aksnet", "version"], []),
        ("sniff", ["kubectl-aksnet", "sniff", "web-0", "-o", "f"], []),
        ("cleanup", ["kubectl-aksnet", "cleanup"], []),
        ("inspect", ["kubectl-aksnet", "inspect"], []),
        ("exec", ["kubectl-aksnet", "exec", "web-0"], ["--", "sh"]),
        ("port-forward", ["kubectl-aksnet", "port-forward", "web-0", "80"], []),
    ]

    static let cases: [FlagCase] = {
        var cases: [FlagCase] = []
        for (command, before, after) in commands {
            // argument-parser refuses an empty --request-timeout= as a missing value.
            cases.append(FlagCase(name: "\(command) --request-timeout", argv: { before + ["--request-timeout=\($0)"] + after }, accepts: []))
            // -v goes through the normalizer as kubectl spells it (-v=N); Int(_:) takes a sign.
            cases.append(FlagCase(name: "\(command) -v", argv: { before + ["-v=\($0)"] + after }, accepts: ["-0", "+5"]))
        }
        let sniff = ["kubectl-aksnet", "sniff", "web-0", "-o", "f"]
        cases.append(FlagCase(name: "sniff --duration", argv: { sniff + ["--duration=\($0)"] }, accepts: []))
        cases.append(FlagCase(name: "sniff --count", argv: { sniff + ["--count=\($0)"] }, accepts: ["+5"]))
        cases.append(FlagCase(name: "sniff --max-size", argv: { sniff + ["--max-size=\($0)"] }, accepts: []))
        cases.append(FlagCase(name: "sniff --snaplen", argv: { sniff + ["--snaplen=\($0)"] }, accepts: ["-0", "+5"]))
        cases.append(FlagCase(name: "cleanup --older-than", argv: { ["kubectl-aksnet", "cleanup", "--older-than=\($0)"] }, accepts: []))
        // Any path but an empty one is a directory name to write under.
        cases.append(FlagCase(name: "manifests --write", argv: { ["kubectl-aksnet", "manifests", "--write=\($0)"] },
                              accepts: Set(HostileValues.all).subtracting([""])))
        cases.append(FlagCase(name: "completion SHELL", argv: { ["kubectl-aksnet", "completion", "--", $0] }, accepts: []))
        // Int(_:) takes a sign: +5 is 5, in bounds.
        cases.append(FlagCase(name: "inspect --concurrency", argv: { ["kubectl-aksnet", "inspect", "--concurrency=\($0)"] }, accepts: ["+5"]))
        cases.append(FlagCase(name: "inspect --daemonset-threshold", argv: { ["kubectl-aksnet", "inspect", "--daemonset-threshold=\($0)"] },
                              accepts: ["+5"]))
        let jump = ["kubectl-aksnet", "jump", "aks-node-0"]
        cases.append(FlagCase(name: "jump --local-port", argv: { jump + ["--local-port=\($0)"] }, accepts: ["-0", "+5"]))
        cases.append(FlagCase(name: "jump --deadline", argv: { jump + ["--deadline=\($0)"] }, accepts: []))
        cases.append(FlagCase(name: "jump --pod-running-timeout", argv: { jump + ["--pod-running-timeout=\($0)"] }, accepts: []))
        cases.append(FlagCase(name: "jump --stdio NODE PORT", argv: { ["kubectl-aksnet", "jump", "--stdio", "aks-node-0", $0] }, accepts: ["+5"]))
        // After -- so that a value like -1 is the positional, not an option.
        cases.append(FlagCase(name: "port-forward [LOCAL:]REMOTE", argv: { ["kubectl-aksnet", "port-forward", "web-0", "--", $0] },
                              accepts: ["+5"]))
        cases.append(FlagCase(name: "port-forward LOCAL:80", argv: { ["kubectl-aksnet", "port-forward", "web-0", "--", "\($0):80"] },
                              accepts: ["", "-0", "+5"]))
        return cases
    }()

    @Test(arguments: cases)
    func hostileValuesAreUsageErrorsOnOneLine(flag: FlagCase) {
        var stdouts: [String] = []
        let walked = HostileValues.walk(flag: flag.name, accepts: flag.accepts, argv: flag.argv) { argv in
            guard let finished = Entry.check(argv) else { return nil }
            stdouts.append(finished.stdout)
            return (finished.code, finished.stderr)
        }
        for problem in walked.problems { Issue.record(Comment(rawValue: problem)) }
        let printed = stdouts.filter { !$0.isEmpty }
        #expect(printed.isEmpty, "a refusal printed on stdout: \(printed)")
        print(walked.table.joined(separator: "\n"))
    }

    @Test(arguments: [
        (["kubectl-aksnet", "sniff", "web-0", "-o", "f", "--duration", "30s", "--count", "10", "--max-size", "10M", "--snaplen", "96"], true),
        (["kubectl-aksnet", "sniff", "web-0", "-o", "f", "--max-size", "8589934591G"], true),
        (["kubectl-aksnet", "sniff", "web-0", "-o", "f", "--max-size", "8589934592G"], false),
        (["kubectl-aksnet", "sniff", "web-0", "-o", "f", "--duration", "2562047h"], true),
        (["kubectl-aksnet", "sniff", "web-0", "-o", "f", "--duration", "2562048h"], false),
        (["kubectl-aksnet", "version", "--client", "--request-timeout", "9223372036"], true),
        (["kubectl-aksnet", "version", "--client", "--request-timeout", "9223372037"], false),
        (["kubectl-aksnet", "version", "--request-timeout", "1.5"], true),
        (["kubectl-aksnet", "cleanup", "--older-than", "1h30m"], true),
        (["kubectl-aksnet", "inspect", "--concurrency", "1000", "--daemonset-threshold", "1000000"], true),
        (["kubectl-aksnet", "inspect", "--concurrency", "1001"], false),
        (["kubectl-aksnet", "inspect", "--daemonset-threshold", "1000001"], false),
        (["kubectl-aksnet", "inspect", "--daemonset-threshold", "0"], false),
        (["kubectl-aksnet", "inspect", "node/aks-np-0", "node/aks-np-1", "-o", "markdown"], true),
        (["kubectl-aksnet", "inspect", "node/Bad_Name"], false),
        (["kubectl-aksnet", "inspect", "aks-np-0"], false),
        (["kubectl-aksnet", "inspect", "node/a", "--all-nodes"], false),
        (["kubectl-aksnet", "inspect", "--from", "b.tar.gz", "-l", "agentpool=a"], false),
        (["kubectl-aksnet", "inspect", "-o", "yaml"], false),
    ])
    func boundsAreWhereTheMessagesSay(argv: [String], taken: Bool) {
        let finished = Entry.check(argv)
        #expect((finished == nil) == taken, "\(argv): \(HostileValues.outcome(finished.map { ($0.code, $0.stderr) }))")
    }

    /// The three invocations of the issue, through the real binary: exit 2, one line, no backtrace.
    @Test func theIssuesTrapsAreUsageErrorsInTheBinary() throws {
        let binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/debug/kubectl-aksnet").path
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build first: \(binary)")
        for argv in [["version", "--request-timeout=inf"], ["version", "--request-timeout=1e30"],
                     ["sniff", "web-0", "-o", "f", "--duration", "99999999999999999999h"],
                     ["sniff", "web-0", "-o", "f", "--max-size", "99999999999999G"]] {
            let result = try Shell.run(binary, argv, environment: ["KUBECONFIG": "/nonexistent"], timeout: 30)
            #expect(result.status == 2 && !result.terminatedBySignal, "\(argv): \(result)")
            #expect(result.stderr.hasPrefix("error: ") && result.stderr.filter { $0 == "\n" }.count == 1, "\(argv): \(result)")
        }
    }
}
