import AKSNet
import ArgumentParser
import KubeClient
import KubeModel
#if canImport(Glibc)
import Glibc
#endif

/// `kubectl aksnet inspect`: collect (AKSNet/Inspect/Collect), analyse, render. Thin.
/// Exit 0: no error finding; 3: error findings; 1: could not run; 2: usage.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Explain each node's network and what is wrong with it: findings with the evidence and the fix.",
        discussion: """
        Reads the cluster's network objects, then runs one short-lived privileged hostNetwork pod per \
        Linux node in aksnet-system (one DaemonSet past --daemonset-threshold nodes) and one exec in it that \
        collects ip, iptables/nft, conntrack, sysctls, CNI files and a ping of every other node's pod network. \
        Pods are deleted on exit, Ctrl-C and SIGTERM. Windows and NotReady nodes are listed, not collected. \
        Without permission to create pods and pods/exec the report holds the API part and says what is missing.

        Exit codes: 0 no error finding, 3 error findings, 1 could not run, 2 usage error.

        Examples:
          kubectl aksnet inspect
          kubectl aksnet inspect node/aks-nodepool1-0 -o json --bundle net.tar.gz
          kubectl aksnet inspect --from net.tar.gz -o markdown
          kubectl aksnet inspect --diff before.tar.gz after.tar.gz     (or --diff before.tar.gz: against the cluster now)
        """)

    @Argument(help: "node/NAME (one or more); default: every node (--all-nodes).")
    var targets: [String] = []

    @Flag(name: .customLong("all-nodes"), help: "Every node (the default when no node/NAME is given).")
    var allNodes = false

    @Option(name: [.customShort("l"), .long], help: "Only nodes with these labels, e.g. agentpool=np1.")
    var selector: String?

    @Option(name: [.customShort("o"), .customLong("output")], help: "text, json, markdown or html.")
    var format: String = "text"

    @Option(name: .customLong("output-file"), help: "Write the report to FILE (0600) instead of stdout.")
    var outputFile: String?

    @Option(help: "Also write every raw output, the evidence and the JSON report to FILE.tar.gz (0600).")
    var bundle: String?

    @Option(help: "Analyse a bundle (or its evidence.json) offline instead of a cluster.")
    var from: String?

    @Option(name: .customLong("diff"), parsing: .upToNextOption,
            help: "What changed: --diff A.tar.gz B.tar.gz, or --diff A.tar.gz against the cluster now (exit 3 when an error finding appeared).")
    var diff: [String] = []

    @Option(help: "Nodes collected at a time (1-1000).")
    var concurrency: Int = 10

    @Option(name: .customLong("daemonset-threshold"), help: "Past this many nodes, collect through one DaemonSet (1-1000000).")
    var daemonSetThreshold: Int = 50

    @Option(help: "Collector image (needs sh, ip, iptables, nft, conntrack, ping, timeout, head).")
    var image: String = HelperPodOptions.defaultImage

    @Option(name: .customLong("image-pull-secret"), help: "Pull secret (in aksnet-system) for the collector image; repeatable.")
    var imagePullSecrets: [String] = []

    @Flag(name: [.customShort("q"), .long], help: "No progress line on stderr.")
    var quiet = false

    @OptionGroup var kube: KubeFlags

    static let maxConcurrency = 1000
    static let maxThreshold = 1_000_000

    func validate() throws {
        guard let _ = InspectFormat(rawValue: format) else { throw ValidationError("-o must be text, json, markdown or html") }
        guard (1...Self.maxConcurrency).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and \(Self.maxConcurrency)") }
        guard (1...Self.maxThreshold).contains(daemonSetThreshold) else {
            throw ValidationError("--daemonset-threshold must be between 1 and \(Self.maxThreshold)")
        }
        for target in targets where Self.nodeName(target) == nil {
            throw ValidationError("\(target.debugDescription) is not node/NAME")
        }
        if allNodes && !targets.isEmpty { throw ValidationError("--all-nodes and node/NAME are exclusive") }
        if let selector, selector.isEmpty { throw ValidationError("--selector needs a label selector, e.g. agentpool=np1") }
        if let outputFile, outputFile.isEmpty { throw ValidationError("--output-file needs a file name") }
        if let bundle, bundle.isEmpty { throw ValidationError("--bundle needs a file name, e.g. net.tar.gz") }
        if !diff.isEmpty {
            guard diff.count <= 2, !diff.contains(where: \.isEmpty) else { throw ValidationError("--diff takes one or two bundles") }
            if from != nil { throw ValidationError("--diff reads its bundles itself; drop --from") }
            if bundle != nil && diff.count == 2 { throw ValidationError("--bundle keeps a live collection; --diff A B collects nothing") }
        }
        if let from {
            if from.isEmpty { throw ValidationError("--from needs a bundle file") }
            if !targets.isEmpty || allNodes || selector != nil { throw ValidationError("--from analyses a bundle: it takes no node/NAME, --all-nodes or --selector") }
        }
    }

    /// `node/NAME` or `nodes/NAME` → NAME (a DNS subdomain's characters), else nil.
    static func nodeName(_ target: String) -> String? {
        for prefix in ["node/", "nodes/"] where target.hasPrefix(prefix) {
            let name = target.dropFirst(prefix.count)
            guard !name.isEmpty, name.count <= 253,
                  name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == ".") }) else { return nil }
            return String(name)
        }
        return nil
    }

    func run() throws {
        let format = InspectFormat(rawValue: format) ?? .text
        if !diff.isEmpty { return try runDiff(format: format) }
        let evidence: ClusterEvidence
        if let from {
            do { evidence = try InspectBundle.read(path: from) } catch { throw CommandFailure(error.description) }
        } else {
            evidence = try collect()
        }
        let report = InspectAnalyzer.analyze(evidence)
        if let bundle {
            let json = InspectRenderer.render(report, format: .json, color: false)
            do { try InspectBundle.write(evidence: evidence, reportJSON: json, to: bundle) } catch { throw CommandFailure(error.description) }
        }
        if !evidence.missingPermissions.isEmpty && !quiet {
            StandardStreams.writeError("inspect: API-only report: this user may not \(evidence.missingPermissions.joined(separator: ", ")) in \(HelperLabels.namespace)\n")
        }
        let color = format == .text && outputFile == nil && StandardStreams.isTerminal(1) && Self.colorAllowed
        try emit(InspectRenderer.render(report, format: format, color: color))
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }

    /// `--diff A [B]`: bundle A against bundle B or a fresh collection (kept with --bundle).
    func runDiff(format: InspectFormat) throws {
        func read(_ path: String) throws -> ClusterEvidence {
            do { return try InspectBundle.read(path: path) } catch { throw CommandFailure(error.description) }
        }
        let old = try read(diff[0])
        let new: ClusterEvidence
        if diff.count == 2 {
            new = try read(diff[1])
        } else {
            new = try collect()
            if let bundle {
                let json = InspectRenderer.render(InspectAnalyzer.analyze(new), format: .json, color: false)
                do { try InspectBundle.write(evidence: new, reportJSON: json, to: bundle) } catch { throw CommandFailure(error.description) }
            }
        }
        let result = InspectDiff.diff(old: old, new: new)
        try emit(InspectDiffRenderer.render(result, format: format))
        if result.exitCode != 0 { throw ExitCode(result.exitCode) }
    }

    /// The output, to --output-file (0600) or stdout, ending in a newline.
    func emit(_ rendered: String) throws {
        var text = rendered
        if !text.hasSuffix("\n") { text += "\n" }
        if let outputFile {
            do { try PrivateFile.write(Array(text.utf8), to: outputFile) } catch {
                throw CommandFailure("cannot write \(outputFile): \(error.description)")
            }
        } else {
            StandardStreams.writeOutput(text)
        }
    }

    /// NO_COLOR (any value, https://no-color.org) turns colour off; so does TERM=dumb.
    static var colorAllowed: Bool {
        getenv("NO_COLOR") == nil && (getenv("TERM").map { String(cString: $0) != "dumb" } ?? true)
    }

    func collect() throws -> ClusterEvidence {
        let client: KubeClient
        do { client = try kube.makeClient() } catch { throw CommandFailure(error.description) }
        var options = InspectOptions()
        options.nodes = targets.compactMap(Self.nodeName)
        options.selector = selector
        options.concurrency = concurrency
        options.daemonSetThreshold = daemonSetThreshold
        options.image = image
        options.imagePullSecrets = imagePullSecrets
        options.commandLine = (["kubectl", "aksnet", "inspect"] + targets).joined(separator: " ")
        options.createdBy = client.config.userName
        StopSignal.install()
        let line = ProgressLine(enabled: !quiet)
        defer { line.finish() }
        let collector = InspectCollector(client: client, options: options) { line.show($0) }
        do {
            return try collector.collect(context: client.config.contextName, server: client.config.server)
        } catch {
            throw CommandFailure(error.description)
        }
    }
}
