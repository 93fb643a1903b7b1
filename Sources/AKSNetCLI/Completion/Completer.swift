import KubeConfig

/// Names completion asks the cluster (or the kubeconfig) for. Every lookup answers `[]` on any
/// failure: a completion never prints an error among its candidates.
public protocol CompletionSource {
    func pods(namespace: String?) -> [String]
    func deployments(namespace: String?) -> [String]
    func nodes() -> [String]
    func namespaces() -> [String]
    func contexts() -> [String]
    func clusters() -> [String]
    func users() -> [String]
}

/// cobra's answer: candidates one a line (`word\tdescription` allowed), then `:DIRECTIVE`.
public struct CompletionResult: Sendable, Equatable {
    /// cobra's ShellCompDirective bits.
    public static let error = 1, noSpace = 2, noFileComp = 4, filterFileExt = 8, filterDirs = 16, keepOrder = 32
    public static let `default` = 0

    public var candidates: [String]
    public var directive: Int

    public init(_ candidates: [String], directive: Int = CompletionResult.noFileComp) {
        self.candidates = candidates
        self.directive = directive
    }

    public var text: String { candidates.map { $0 + "\n" }.joined() + ":\(directive)\n" }
}

/// `kubectl-aksnet __complete WORD… PARTIAL`: what kubectl's plugin completion passes (the words
/// after `aksnet`, the last one being typed, "" for a new word). Pure: lookups go to a source.
public enum Completer {
    /// Where the command line is: what is being completed and the connection flags typed so far.
    struct Position {
        var command: CompletionCommandSpec?
        /// The flag whose value is being typed (`-n |`), with the text before the value (`--namespace=`).
        var pendingFlag: CompletionFlag?
        var positionals = 0
        var afterTerminator = false
        var overrides = ConfigOverrides()
    }

    public static func complete(_ args: [String], source: any CompletionSource) -> CompletionResult {
        let partial = args.last ?? ""
        let words = Array(args.dropLast())
        guard let first = words.first else { return subcommands(partial) }
        guard let command = CompletionModel.command(first) else { return CompletionResult([]) }
        let position = walk(Array(words.dropFirst()), command: command)
        if let flag = position.pendingFlag {
            return values(flag, partial: partial, prefix: "", position: position, source: source)
        }
        if position.afterTerminator { return CompletionResult([]) }
        if partial.hasPrefix("--"), let equals = partial.firstIndex(of: "=") {
            let name = String(partial[partial.index(partial.startIndex, offsetBy: 2)..<equals])
            guard !name.isEmpty, let flag = command.flags.first(where: { $0.long == name }), flag.takesValue else { return CompletionResult([]) }
            return values(flag, partial: String(partial[partial.index(after: equals)...]), prefix: "--\(name)=",
                          position: position, source: source)
        }
        if partial.hasPrefix("-") { return flags(command, partial: partial) }
        return positional(command, partial: partial, position: position, source: source)
    }

    /// The connection flags of a command line (so lookups use the cluster and namespace it names).
    public static func overrides(_ args: [String]) -> ConfigOverrides {
        guard let first = args.first, let command = CompletionModel.command(first) else { return ConfigOverrides() }
        return walk(Array(args.dropLast().dropFirst()), command: command).overrides
    }

    static func subcommands(_ partial: String) -> CompletionResult {
        if partial.hasPrefix("-") { return CompletionResult(["--help", "-h"].filter { $0.hasPrefix(partial) }) }
        let listed = CompletionModel.commands.filter { $0.listed && $0.name.hasPrefix(partial) }
        return CompletionResult(listed.map { "\($0.name)\t\($0.summary)" })
    }

    static func flags(_ command: CompletionCommandSpec, partial: String) -> CompletionResult {
        var names: [String] = []
        for flag in command.flags {
            let long = "--" + flag.long
            if !flag.long.isEmpty, long.hasPrefix(partial), !names.contains(long) { names.append(long) }
            if let short = flag.short, "-\(short)".hasPrefix(partial), !names.contains("-\(short)") { names.append("-\(short)") }
        }
        return CompletionResult(names)
    }

    static func walk(_ words: [String], command: CompletionCommandSpec) -> Position {
        var position = Position(command: command)
        var index = 0
        func take(_ flag: CompletionFlag, inline: String?) {
            guard flag.takesValue else { return }
            if let inline {
                record(flag, inline, into: &position)
            } else if index + 1 < words.count {
                index += 1
                record(flag, words[index], into: &position)
            } else {
                position.pendingFlag = flag
            }
        }
        while index < words.count {
            let word = words[index]
            if position.afterTerminator {
                position.positionals += 1
            } else if word == "--" {
                position.afterTerminator = true
            } else if word.hasPrefix("--") {
                let body = word.dropFirst(2)
                let name = body.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
                let inline = body.contains("=") ? String(body.drop { $0 != "=" }.dropFirst()) : nil
                if !name.isEmpty, let flag = command.flags.first(where: { $0.long == name }) { take(flag, inline: inline) }
            } else if word.hasPrefix("-"), word.count > 1 {
                // -n NS, -nNS, -n=NS, -Aq: switches run together until one takes a value.
                var rest = Substring(word.dropFirst())
                while let letter = rest.first {
                    rest = rest.dropFirst()
                    guard let flag = command.flags.first(where: { $0.short == letter })
                    else { break }
                    if flag.takesValue {
                        let inline = rest.hasPrefix("=") ? String(rest.dropFirst()) : rest.isEmpty ? nil : String(rest)
                        take(flag, inline: inline)
                        break
                    }
                }
            } else {
                position.positionals += 1
            }
            index += 1
        }
        return position
    }

    static func record(_ flag: CompletionFlag, _ value: String, into position: inout Position) {
        switch flag.long {
        case "kubeconfig": position.overrides.kubeconfig = value
        case "context": position.overrides.context = value
        case "cluster": position.overrides.cluster = value
        case "user": position.overrides.user = value
        case "namespace": position.overrides.namespace = value
        case "server": position.overrides.server = value
        case "token": position.overrides.token = value
        case "certificate-authority": position.overrides.certificateAuthority = value
        case "tls-server-name": position.overrides.tlsServerName = value
        case "as": position.overrides.impersonateUser = value
        case "as-group": position.overrides.impersonateGroups.append(value)
        case "as-uid": position.overrides.impersonateUID = value
        default: break
        }
    }

    static func values(_ flag: CompletionFlag, partial: String, prefix: String, position: Position,
                       source: any CompletionSource) -> CompletionResult {
        let namespace = position.overrides.namespace
        let names: [String]
        switch flag.value {
        case .none, .free: return CompletionResult([])
        case .file: return CompletionResult([], directive: CompletionResult.default)
        case .directory: return CompletionResult([], directive: CompletionResult.filterDirs)
        case .choices(let words): names = words
        case .pods: names = source.pods(namespace: namespace)
        case .nodes: names = source.nodes()
        case .namespaces: names = source.namespaces()
        case .contexts: names = source.contexts()
        case .clusters: names = source.clusters()
        case .users: names = source.users()
        }
        return CompletionResult(names.filter { $0.hasPrefix(partial) }.map { prefix + $0 })
    }

    static func positional(_ command: CompletionCommandSpec, partial: String, position: Position,
                           source: any CompletionSource) -> CompletionResult {
        let namespace = position.overrides.namespace
        switch command.positional {
        case .nothing: return CompletionResult([])
        case .choices(let words):
            return CompletionResult(position.positionals == 0 ? words.filter { $0.hasPrefix(partial) } : [])
        case .node:
            return CompletionResult(position.positionals == 0 ? source.nodes().filter { $0.hasPrefix(partial) } : [])
        case .pod:
            return CompletionResult(position.positionals == 0 ? source.pods(namespace: namespace).filter { $0.hasPrefix(partial) } : [])
        case .sniffTargets:
            return sniffTargets(partial: partial, namespace: namespace, source: source)
        case .nodeTargets:
            guard "node/".hasPrefix(partial) || partial.hasPrefix("node/") else { return CompletionResult([]) }
            let typed = partial.hasPrefix("node/") ? String(partial.dropFirst(5)) : ""
            return CompletionResult(source.nodes().filter { $0.hasPrefix(typed) }.map { "node/" + $0 })
        }
    }

    /// POD, pod/POD, node/NODE, deploy/NAME: the kinds first as prefixes, then names within one.
    static func sniffTargets(partial: String, namespace: String?, source: any CompletionSource) -> CompletionResult {
        let kinds: [(prefix: String, names: () -> [String])] = [
            ("pod/", { source.pods(namespace: namespace) }),
            ("node/", { source.nodes() }),
            ("deploy/", { source.deployments(namespace: namespace) }),
        ]
        if let kind = kinds.first(where: { partial.hasPrefix($0.prefix) }) {
            let typed = String(partial.dropFirst(kind.prefix.count))
            return CompletionResult(kind.names().filter { $0.hasPrefix(typed) }.map { kind.prefix + $0 })
        }
        let pods = source.pods(namespace: namespace).filter { $0.hasPrefix(partial) }
        let prefixes = kinds.map(\.prefix).filter { $0.hasPrefix(partial) }
        // Only kind prefixes left: no space after `node/`, the name follows.
        let directive = pods.isEmpty && !prefixes.isEmpty ? CompletionResult.noFileComp | CompletionResult.noSpace : CompletionResult.noFileComp
        return CompletionResult(pods + prefixes, directive: directive)
    }
}
