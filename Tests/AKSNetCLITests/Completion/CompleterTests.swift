@testable import AKSNetCLI
import ArgumentParser
import Foundation
import Testing

/// The candidate logic with a fake cluster: what `kubectl aksnet …<TAB>` offers.
struct CompleterTests {
    struct FakeSource: CompletionSource {
        var podsByNamespace: [String: [String]] = ["default": ["web-0", "web-1", "api"], "kube-system": ["coredns-1", "kube-proxy-x"]]
        func pods(namespace: String?) -> [String] { podsByNamespace[namespace ?? "default"] ?? [] }
        func deployments(namespace: String?) -> [String] { namespace == "kube-system" ? ["coredns"] : ["web"] }
        func nodes() -> [String] { ["aks-nodepool1-0", "aks-nodepool1-1", "aksnet-win-0"] }
        func namespaces() -> [String] { ["default", "kube-system"] }
        func contexts() -> [String] { ["lab", "prod"] }
        func clusters() -> [String] { ["lab-cluster"] }
        func users() -> [String] { ["admin"] }
    }

    static func complete(_ args: [String]) -> CompletionResult { Completer.complete(args, source: FakeSource()) }
    static func words(_ args: [String]) -> [String] { complete(args).candidates.map { String($0.split(separator: "\t").first ?? "") } }

    @Test func subcommandsAreOfferedWithoutTheTestOnes() {
        // (inspect joins them when its command lands.)
        #expect(Self.words([""]).filter { $0 != "inspect" } == ["sniff", "jump", "cleanup", "version", "manifests", "completion"])
        #expect(!Self.words([""]).contains("exec") && !Self.words([""]).contains("port-forward"))
        #expect(Self.words(["sn"]) == ["sniff"])
        #expect(Self.complete(["sn"]).candidates == ["sniff\tCapture packets on pods or nodes"])
        #expect(Self.complete(["sn"]).directive == CompletionResult.noFileComp)
        #expect(Self.words(["nosuch", ""]).isEmpty)
        #expect(Self.complete(["sniff"]).text == "sniff\tCapture packets on pods or nodes\n:4\n")
    }

    @Test func sniffTargetsArePodsThenKindPrefixes() {
        #expect(Self.words(["sniff", ""]) == ["web-0", "web-1", "api", "pod/", "node/", "deploy/"])
        #expect(Self.words(["sniff", "we"]) == ["web-0", "web-1"])
        #expect(Self.complete(["sniff", "we"]).directive == CompletionResult.noFileComp)
        // Only a kind prefix left: no space after it.
        #expect(Self.words(["sniff", "no"]) == ["node/"])
        #expect(Self.complete(["sniff", "no"]).directive == CompletionResult.noFileComp | CompletionResult.noSpace)
        #expect(Self.words(["sniff", "node/"]) == ["node/aks-nodepool1-0", "node/aks-nodepool1-1", "node/aksnet-win-0"])
        #expect(Self.words(["sniff", "node/aks-n"]) == ["node/aks-nodepool1-0", "node/aks-nodepool1-1"])
        #expect(Self.words(["sniff", "pod/w"]) == ["pod/web-0", "pod/web-1"])
        #expect(Self.words(["sniff", "deploy/"]) == ["deploy/web"])
        // More targets after the first.
        #expect(Self.words(["sniff", "web-0", "a"]) == ["api"])
    }

    @Test func podsHonourTheNamespaceFlagInEverySpelling() {
        for flags in [["-n", "kube-system"], ["--namespace", "kube-system"], ["--namespace=kube-system"], ["-nkube-system"],
                      ["-n=kube-system"], ["-An", "kube-system"]] {
            #expect(Self.words(["sniff"] + flags + ["c"]) == ["coredns-1"], "\(flags)")
        }
        #expect(Self.words(["sniff", "-n", "kube-system", "deploy/"]) == ["deploy/coredns"])
        #expect(Self.words(["exec", "-n", "kube-system", ""]) == ["coredns-1", "kube-proxy-x"])
    }

    @Test func flagValuesAreChoicesOrNames() {
        #expect(Self.words(["sniff", "--mode", ""]) == ["auto", "ephemeral", "node"])
        #expect(Self.words(["sniff", "--mode", "e"]) == ["ephemeral"])
        #expect(Self.words(["sniff", "--mode=n"]) == ["--mode=node"])
        #expect(Self.words(["sniff", "--transport", ""]) == ["auto", "port-forward", "exec"])
        #expect(Self.words(["jump", "--profile", ""]) == ["sysadmin", "netadmin", "general"])
        #expect(Self.words(["version", "-o", ""]) == ["json", "yaml"])
        #expect(Self.words(["version", "--output", "y"]) == ["yaml"])
        #expect(Self.words(["sniff", "-n", ""]) == ["default", "kube-system"])
        #expect(Self.words(["jump", "--context", "p"]) == ["prod"])
        #expect(Self.words(["cleanup", "--cluster", ""]) == ["lab-cluster"])
        #expect(Self.words(["completion", ""]) == ["bash", "zsh", "fish"])
        #expect(Self.words(["completion", "bash", ""]).isEmpty)
        // Free text: nothing, and no file names either.
        #expect(Self.complete(["sniff", "-f", ""]) == CompletionResult([], directive: CompletionResult.noFileComp))
        #expect(Self.complete(["cleanup", "--older-than", ""]).candidates.isEmpty)
    }

    @Test func filesAndDirectoriesAreLeftToTheShell() {
        #expect(Self.complete(["sniff", "web-0", "-o", ""]) == CompletionResult([], directive: CompletionResult.default))
        #expect(Self.complete(["jump", "-i", ""]).directive == CompletionResult.default)
        #expect(Self.complete(["sniff", "--kubeconfig", ""]).directive == CompletionResult.default)
        #expect(Self.complete(["manifests", "--write", ""]) == CompletionResult([], directive: CompletionResult.filterDirs))
    }

    /// inspect's targets (its spec is written ahead of the command): node/NAME only.
    @Test func inspectTargetsAreNodes() throws {
        let spec = try #require(CompletionModel.specs.first { $0.name == "inspect" })
        func targets(_ partial: String) -> [String] {
            Completer.positional(spec, partial: partial, position: Completer.Position(command: spec), source: FakeSource()).candidates
        }
        #expect(targets("") == ["node/aks-nodepool1-0", "node/aks-nodepool1-1", "node/aksnet-win-0"])
        #expect(targets("no") == targets(""))
        #expect(targets("node/aksnet") == ["node/aksnet-win-0"])
        #expect(targets("web").isEmpty)
    }

    @Test func jumpTakesOneNode() {
        #expect(Self.words(["jump", "aks-"]) == ["aks-nodepool1-0", "aks-nodepool1-1"])
        #expect(Self.words(["jump", "--shell", "aksnet"]) == ["aksnet-win-0"])
        #expect(Self.words(["jump", "aks-nodepool1-0", ""]).isEmpty)
        #expect(Self.words(["jump", "aks-nodepool1-0", "--", ""]).isEmpty)
        // A flag's value is not the node.
        #expect(Self.words(["jump", "-l", "azureuser", "aks-nodepool1-1"]) == ["aks-nodepool1-1"])
    }

    @Test func flagNamesAreOffered() {
        let sniff = Self.words(["sniff", "--m"])
        #expect(sniff == ["--mode", "--max-size"])
        #expect(Self.words(["sniff", "-"]).contains("-n") && Self.words(["sniff", "-"]).contains("--wireshark"))
        #expect(Self.words(["jump", "--pr"]) == ["--print-ssh-config", "--profile"])
        #expect(Self.words(["jump", "-"]).contains("-o"))
        #expect(Self.words(["manifests", "--"]) == ["--write", "--help"])
        #expect(Self.words(["--"]) == ["--help"])
    }

    /// `kubectl-aksnet __complete …`, also through a `kubectl-aksnet-sniff` link; anything else parses as a command.
    @Test func completeIsTakenFromArgv() {
        #expect(Entry.completionWords(["kubectl-aksnet", "__complete", "sn"]) == ["sn"])
        #expect(Entry.completionWords(["/usr/local/bin/kubectl-aksnet-sniff", "__complete", "--mode", ""]) == ["sniff", "--mode", ""])
        #expect(Entry.completionWords(["kubectl-aksnet", "__complete"]) == [])
        #expect(Entry.completionWords(["kubectl-aksnet", "sniff", "__complete"]) == nil)
        #expect(Entry.completionWords(["kubectl-aksnet"]) == nil)
        #expect(Completer.complete([], source: FakeSource()).candidates.count == CompletionModel.commands.filter(\.listed).count)
    }

    @Test func connectionFlagsReachTheLookups() {
        let overrides = Completer.overrides(["sniff", "--kubeconfig", "/tmp/k", "--context=lab", "-n", "ns1", "--as", "u",
                                             "-s", "https://127.0.0.1:1", ""])
        #expect(overrides.kubeconfig == "/tmp/k" && overrides.context == "lab" && overrides.namespace == "ns1")
        #expect(overrides.impersonateUser == "u" && overrides.server == "https://127.0.0.1:1")
        #expect(Completer.overrides(["nosuch", "--context", "x", ""]).context == nil)
    }

    /// Garbage in any position never traps and always ends with one directive line.
    @Test func hostileWordsNeverTrap() {
        let hostile = ["", "-", "--", "---", "-=", "--=", "--mode=", "-n", "-n=", "--namespace=", "=", "\u{0}", "node/", "/", "-A-n",
                       String(repeating: "x", count: 5000), "-ñ", "--ñ=ñ", "pod//", "--\u{0}"]
        for command in ["", "sniff", "jump", "version", "manifests", "completion", "cleanup", "exec", "port-forward"] {
            for first in hostile {
                for last in hostile {
                    let args = (command.isEmpty ? [] : [command]) + [first, last]
                    let text = Completer.complete(args, source: FakeSource()).text
                    #expect(text.hasSuffix("\n") && text.split(separator: "\n").last?.hasPrefix(":") == true, "\(args)")
                }
            }
        }
    }

    /// Every command of the build has a spec, and its flags are the command's flags: a command or
    /// a flag added and not here fails (inspect's spec, written ahead, is checked once it exists).
    @Test func everyCommandHasASpec() {
        let names = RootCommand.configuration.subcommands.map { $0.configuration.commandName ?? "" }
        #expect(Set(names) == Set(CompletionModel.commands.map(\.name)), "\(names)")
        #expect(CompletionModel.specs.contains { $0.name == "inspect" })
    }

    @Test(arguments: RootCommand.configuration.subcommands.map { ($0.configuration.commandName ?? "", $0.helpMessage()) })
    func modelMatchesTheCommandsHelp(command: String, help: String) throws {
        let spec = try #require(CompletionModel.command(command))
        var fromHelp = Set<String>()
        // Option lines follow OPTIONS:, indented two spaces: `  -n, --namespace <namespace>   text`.
        let options = help.components(separatedBy: "OPTIONS:").dropFirst().joined()
        for line in options.split(separator: "\n") where line.hasPrefix("  -") {
            let names = line.dropFirst(2).components(separatedBy: "  ").first ?? ""
            for token in names.split(whereSeparator: { $0 == "," || $0 == " " }) where token.hasPrefix("-") {
                fromHelp.insert(String(token))
            }
        }
        var fromModel = Set<String>()
        for flag in spec.flags {
            if !flag.long.isEmpty { fromModel.insert("--" + flag.long) }
            if let short = flag.short { fromModel.insert("-\(short)") }
        }
        #expect(fromHelp == fromModel, "help \(fromHelp.subtracting(fromModel).sorted()), model \(fromModel.subtracting(fromHelp).sorted())")
    }
}
