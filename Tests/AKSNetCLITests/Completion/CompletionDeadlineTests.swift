@testable import AKSNetCLI
import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Completion against clusters that never answer: the answer still comes within the deadline,
/// with what needs no cluster, and no error among the candidates.
@Suite(.serialized) struct CompletionDeadlineTests {
    /// A loopback port that takes TCP connections (the kernel's backlog) and never says a word.
    static func silentPort() throws -> (fd: Int32, port: UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        try #require(bound == 0 && listen(fd, 16) == 0)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return (fd, UInt16(bigEndian: address.sin_port))
    }

    static func kubeconfig(server: String, user: String) throws -> String {
        let path = NSTemporaryDirectory() + "aksnet-complete-\(UUID().uuidString).yaml"
        try """
        apiVersion: v1
        kind: Config
        clusters: [{name: c, cluster: {server: "\(server)", insecure-skip-tls-verify: true}}]
        users: [{name: u, user: \(user)}]
        contexts: [{name: ctx, context: {cluster: c, user: u, namespace: default}}]
        current-context: ctx

        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aSilentServerCostsAtMostTheRequestTimeout() throws {
        let (fd, port) = try Self.silentPort()
        defer { close(fd) }
        let config = try Self.kubeconfig(server: "https://127.0.0.1:\(port)", user: "{token: t}")
        defer { try? FileManager.default.removeItem(atPath: config) }
        let started = Date()
        let result = CompletionRun.answer(["sniff", "--kubeconfig", config, ""])
        let elapsed = Date().timeIntervalSince(started)
        #expect(elapsed < 3.0, "took \(elapsed) s")
        #expect(result == CompletionResult(["pod/", "node/", "deploy/"], directive: CompletionResult.noFileComp | CompletionResult.noSpace))
        // Contexts come from the kubeconfig alone.
        #expect(CompletionRun.answer(["jump", "--kubeconfig", config, "--context", ""]).candidates == ["ctx"])
    }

    @Test func aCredentialPluginThatHangsIsCutAtTheDeadline() throws {
        let config = try Self.kubeconfig(server: "https://127.0.0.1:1",
                                         user: "{exec: {apiVersion: client.authentication.k8s.io/v1, command: sleep, args: ['4'], interactiveMode: Never}}")
        defer { try? FileManager.default.removeItem(atPath: config) }
        let started = Date()
        let result = CompletionRun.answer(["sniff", "--kubeconfig", config, "node/"], deadline: 1)
        let elapsed = Date().timeIntervalSince(started)
        #expect(elapsed < 2.0, "took \(elapsed) s")
        #expect(result.candidates.isEmpty && result.directive == CompletionResult.noFileComp)
    }

    /// Hostile namespaces, contexts and users reach the lookups (a refused port answers at once):
    /// no trap, and only names or the kind prefixes come back.
    @Test func hostileConnectionValuesNeverTrap() throws {
        let config = try Self.kubeconfig(server: "https://127.0.0.1:1", user: "{token: t}")
        defer { try? FileManager.default.removeItem(atPath: config) }
        for value in HostileValues.all + ["\u{0}", "../../etc", "a/b?c=d#e", "%2F", String(repeating: "n", count: 10_000)] {
            for flag in ["-n", "--context", "--user", "--cluster", "--as"] {
                let result = CompletionRun.answer(["sniff", "--kubeconfig", config, flag, value, ""], deadline: 3)
                #expect(result.candidates.allSatisfy { ["pod/", "node/", "deploy/"].contains($0) }, "\(flag) \(value.debugDescription): \(result)")
            }
        }
    }

    @Test func noKubeconfigAtAllIsJustNoNames() throws {
        let result = CompletionRun.answer(["sniff", "--kubeconfig", "/nonexistent/aksnet/kubeconfig", "we"])
        #expect(result == CompletionResult([]))
        #expect(CompletionRun.answer(["sn"]).candidates.first?.hasPrefix("sniff\t") == true)
    }
}
