@testable import AKSNetCLI
import Foundation
import Testing
import TestSupport

/// The bash script `kubectl-aksnet completion bash` prints, sourced in a real bash and driven as
/// bash's completion drives it (COMP_WORDS, COMP_CWORD), against the built binary.
@Suite(.serialized) struct ShellScriptsTests {
    static let debugBin = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/debug").path

    static func bash(_ words: [String]) throws -> String {
        let quoted = words.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let script = """
        source <(kubectl-aksnet completion bash)
        COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1)
        _kubectl_aksnet
        printf '%s\\n' "${COMPREPLY[@]}"
        """
        let result = try Shell.run("/bin/bash", ["-c", script],
                                   environment: ["PATH": debugBin + ":/usr/bin:/bin", "KUBECONFIG": "/nonexistent/aksnet"], timeout: 30)
        #expect(result.status == 0, "\(words): \(result)")
        return result.stdout
    }

    @Test func bashCompletesCommandsFlagsAndValues() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.debugBin + "/kubectl-aksnet"), "build first")
        #expect(try Self.bash(["kubectl-aksnet", "s"]) == "sniff\n")
        #expect(try Self.bash(["kubectl-aksnet", "sniff", "--mode", ""]) == "auto\nephemeral\nnode\n")
        #expect(try Self.bash(["kubectl-aksnet", "jump", "--prof"]) == "--profile\n")
        // The kubectl-aksnet-sniff link completes as `sniff`.
        #expect(try Self.bash(["/usr/local/bin/kubectl-aksnet-sniff", "--mode", "e"]) == "ephemeral\n")
        // No cluster: kind prefixes only, no error text among them.
        #expect(try Self.bash(["kubectl-aksnet", "sniff", ""]) == "pod/\nnode/\ndeploy/\n")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/zsh")))
    func zshScriptParses() throws {
        let result = try Shell.run("/usr/bin/zsh", ["-n", "-c", ShellScripts.script(for: "zsh") ?? ""], timeout: 30)
        #expect(result.status == 0, "\(result)")
    }

    @Test func everyShellHasAScriptAndNothingElseDoes() {
        for shell in CompletionModel.shells { #expect(ShellScripts.script(for: shell)?.contains("__complete") == true) }
        #expect(ShellScripts.script(for: "powershell") == nil)
    }
}
