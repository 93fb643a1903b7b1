@testable import AKSNetCLI
import Foundation
import KubeConfig
import KubeModel
import Testing
import TestSupport

/// The argv of every `kubectl-aksnet` command, generated from flag names × hostile values ×
/// random mutations and parsed in-process (parse + validate, never run): every input ends as
/// taken, help (0) or a one-line usage error (2). A trap would end the test process (and the
/// run would be red). The table of hostile values per flag is FlagBoundsTests.
///
/// In a debug build argument-parser checks each command's own definition on every parse
/// (`#if DEBUG` validators, ~80% of the time): about 20 ms an argv on this 2-core machine. So
/// the suite parses `AKSNET_ARGV_FUZZ` argv per command (default 150; 20,000 a command, 100,000 in all, ran once: see README) and, alongside,
/// 120,000 generated values through the exact parsers `validate()` calls.
struct ArgvFuzzTests {
    static let argvPerCommand = ProcessInfo.processInfo.environment["AKSNET_ARGV_FUZZ"].flatMap { Int($0) }.map { min(max($0, 1), 1_000_000) } ?? 150
    static let kubeOptions = ["--kubeconfig", "--context", "--cluster", "--user", "-n", "--namespace", "-s", "--server", "--token",
                              "--certificate-authority", "--tls-server-name", "--as", "--as-group", "--as-uid", "--request-timeout", "-v"]

    static let commands: [ArgvFuzzer.Command] = [
        .init(prefix: ["kubectl-aksnet", "version"], options: kubeOptions + ["-o"], switches: ["--client", "--insecure-skip-tls-verify"],
              valid: ["json", "yaml", "5s", "6"]),
        .init(prefix: ["kubectl-aksnet", "sniff", "web-0", "-o", "f"],
              options: kubeOptions + ["-l", "-c", "-f", "-i", "--mode", "--transport", "--duration", "--count", "--max-size", "--snaplen",
                                      "--image", "--image-pull-secret"],
              switches: ["-A", "--wireshark", "--keep", "--capture-own-stream", "-q"],
              valid: ["30s", "100", "10M", "96", "auto", "node", "exec", "app=web", "port 80"]),
        .init(prefix: ["kubectl-aksnet", "inspect"],
              options: kubeOptions + ["-l", "--selector", "-o", "--output-file", "--bundle", "--from", "--concurrency",
                                      "--daemonset-threshold", "--image", "--image-pull-secret"],
              switches: ["--all-nodes", "-q", "--quiet"],
              valid: ["node/aks-np-0", "json", "markdown", "10", "50", "agentpool=a", "b.tar.gz"]),
        .init(prefix: ["kubectl-aksnet", "jump", "aks-node-0"],
              options: kubeOptions + ["-l", "--ssh-user", "-i", "--identity", "-o", "--local-port", "--image", "--image-pull-secret",
                                      "--deadline", "--profile", "--pod-running-timeout", "--windows-image"],
              switches: ["--stdio", "--shell", "--print-ssh-config"],
              valid: ["azureuser", "22", "0", "30m", "1h", "sysadmin", "netadmin", "StrictHostKeyChecking=yes"], suffix: ["--", "true"]),
        .init(prefix: ["kubectl-aksnet", "cleanup"], options: kubeOptions + ["--older-than"], switches: ["-A", "--dry-run"],
              valid: ["10m", "1h"]),
        .init(prefix: ["kubectl-aksnet", "exec", "web-0"], options: kubeOptions + ["-c"], switches: ["-i", "-t", "--attach"],
              valid: ["main", "5s"], suffix: ["--", "sh"]),
        .init(prefix: ["kubectl-aksnet", "port-forward", "web-0"], options: kubeOptions, switches: [],
              valid: ["8080:80", ":80", "80"], suffix: ["--", "8080:80"]),
        .init(prefix: ["kubectl-aksnet", "manifests"], options: ["--write"], switches: [], valid: ["manifests", "/tmp/m"]),
        .init(prefix: ["kubectl-aksnet", "completion"], options: [], switches: [], valid: ["bash", "zsh", "fish"]),
    ]

    @Test func argvFuzzNeverTraps() {
        let perCommand = Self.argvPerCommand
        var fuzzer = ArgvFuzzer(seed: 0x616B_736E_6574)
        var (taken, usage, help) = (0, 0, 0)
        let started = Date()
        for command in Self.commands {
            for _ in 0..<perCommand {
                let argv = fuzzer.argv(for: command)
                guard let finished = Entry.check(argv) else { taken += 1; continue }
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
        #expect(taken + usage + help == total)
        print("argv fuzz kubectl-aksnet: \(total) inputs (\(Self.commands.count) commands), taken \(taken), usage errors \(usage), help \(help), traps 0, \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }

    /// The values validate() hands to Durations.parse, ConfigResolver.parseTimeout and
    /// SniffCommand.parseSize, 40,000 each: nil or a value in bounds, never a trap.
    @Test func flagValueFuzzNeverTraps() {
        var fuzzer = ArgvFuzzer(seed: 0x7661_6C75_6573)
        var (durations, timeouts, sizes, taken) = (0, 0, 0, 0)
        let started = Date()
        for _ in 0..<40_000 {
            let value = fuzzer.value()
            if let seconds = Durations.parse(value) {
                taken += 1
                #expect(seconds >= 0 && seconds <= Durations.maxSeconds, "\(value.debugDescription)")
            }
            durations += 1
            if let seconds = try? ConfigResolver.parseTimeout(value) {
                #expect(seconds > 0 && seconds <= Durations.maxSeconds, "\(value.debugDescription)")
            }
            timeouts += 1
            if let bytes = SniffCommand.parseSize(value) { #expect(bytes > 0, "\(value.debugDescription)") }
            sizes += 1
        }
        print("value fuzz kubectl-aksnet: \(durations + timeouts + sizes) values (durations \(durations), request timeouts \(timeouts), sizes \(sizes)), durations taken \(taken), traps 0, \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }
}
