import AKSNet
import ArgumentParser
import KubeClient
import KubeModel
#if canImport(Glibc)
import Glibc
#endif

/// `kubectl aksnet sniff TARGET…`: thin; the capture lives in AKSNet.Sniffer.
struct SniffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sniff",
        abstract: "Capture packets on pods or nodes with tcpdump, streamed live to a file, stdout or Wireshark.",
        discussion: """
        TARGET is POD, pod/NAME, node/NAME or deploy/NAME; -l SELECTOR adds the matching running pods.

        --mode auto uses an ephemeral container in the pod's network namespace (no image change, \
        no added capability) and a hostNetwork helper in aksnet-system for nodes and for pods \
        whose namespace enforces PodSecurity restricted. Helpers are deleted on exit, Ctrl-C and SIGTERM.

        Examples:
          kubectl aksnet sniff web-0 -f 'port 80' -o web.pcapng
          kubectl aksnet sniff node/aks-nodepool1-0 -o - | tshark -r -
        """)

    @Argument(help: "POD, pod/NAME, node/NAME or deploy/NAME (one or more).")
    var targets: [String] = []

    @Option(name: [.customShort("l"), .long], help: "Also capture the running pods this label selector matches.")
    var selector: String?

    @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "With -l: pods in every namespace.")
    var allNamespaces = false

    @Option(name: [.customShort("c"), .long], help: "The container whose network the ephemeral capture targets.")
    var container: String?

    @Option(name: [.customShort("f"), .long], help: "BPF filter, e.g. 'port 80 and host 10.0.0.1' (passed to tcpdump as one argument).")
    var filter: String?

    @Option(name: [.customShort("i"), .long], help: "Interface (default: eth0 in a pod, any on a node, the pod's veth or bridge in node mode).")
    var interface: String?

    @Option(name: [.customShort("o"), .customLong("output")], help: "Write to FILE (created 0600), or - for stdout.")
    var output: String?

    @Flag(help: "Start Wireshark (or tshark without a display) reading the live capture.")
    var wireshark = false

    @Option(help: "auto, ephemeral or node.")
    var mode: String = "auto"

    @Option(help: "How bytes come back: auto (port-forward to socat in the helper, else exec stdout), port-forward or exec.")
    var transport: String = "auto"

    @Option(help: "Stop after this long (e.g. 30s, 5m).")
    var duration: String?

    @Option(help: "Stop after N packets.")
    var count: Int?

    @Option(name: .customLong("max-size"), help: "Stop once the output reaches this many bytes (k, M, G suffixes).")
    var maxSize: String?

    @Option(help: "Bytes kept of each packet (tcpdump -s).")
    var snaplen: Int = 262144

    @Option(help: "Helper image (needs tcpdump, sh, timeout and cat; socat for the port-forward transport).")
    var image: String = "nicolaka/netshoot"

    @Option(name: .customLong("image-pull-secret"), help: "Pull secret (in aksnet-system) for node helpers; repeatable.")
    var imagePullSecrets: [String] = []

    @Flag(help: "Keep the node helper for a second run (it still ends at its deadline).")
    var keep = false

    @Flag(name: .customLong("capture-own-stream"),
          help: "On a node, also capture the kubelet and API server traffic that carries the capture (left out by default: it loops).")
    var captureOwnStream = false

    @Flag(name: [.customShort("q"), .long], help: "No status line or progress on stderr.")
    var quiet = false

    @OptionGroup var kube: KubeFlags

    func validate() throws {
        if targets.isEmpty && selector == nil { throw ValidationError("give at least one TARGET (POD, pod/NAME, node/NAME, deploy/NAME) or -l SELECTOR") }
        if CaptureMode(rawValue: mode) == nil { throw ValidationError("--mode must be auto, ephemeral or node") }
        if CaptureTransport(rawValue: transport) == nil { throw ValidationError("--transport must be auto, port-forward or exec") }
        if let duration, (Durations.parse(duration) ?? 0) <= 0 {
            throw ValidationError("--duration takes a positive duration like 30s or 5m, at most 292 years (Go's longest)")
        }
        if let count, count <= 0 { throw ValidationError("--count must be positive") }
        if let maxSize, Self.parseSize(maxSize) == nil {
            throw ValidationError("--max-size takes bytes, e.g. 1000, 10M or 1G, at most 8 EiB (2^63-1 bytes)")
        }
        if snaplen < 0 || snaplen > 262144 { throw ValidationError("--snaplen must be between 0 and 262144") }
        if wireshark && output != nil { throw ValidationError("--wireshark and -o are exclusive") }
        if output == nil && !wireshark && StandardStreams.isTerminal(1) {
            throw ValidationError("stdout is a terminal: give -o FILE, -o - (to pipe it) or --wireshark")
        }
        for target in targets { do { _ = try TargetSpec.parse(target) } catch { throw ValidationError(error.description) } }
    }

    /// Bytes for --max-size: ASCII digits with an optional k/K, M or G (binary) suffix, more
    /// than zero, and nil rather than a trap when the product passes Int64 (`99999999999999G`).
    static func parseSize(_ text: String) -> Int64? {
        let units: [(Character, Int64)] = [("G", 1 << 30), ("M", 1 << 20), ("k", 1 << 10), ("K", 1 << 10)]
        let factor = text.last.flatMap { last in units.first { $0.0 == last }?.1 } ?? 1
        let digits = factor == 1 ? Substring(text) : text.dropLast()
        // Int64(_:) alone would also take a sign ("+5").
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isWholeNumber }),
              let number = Int64(digits), number > 0 else { return nil }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: factor)
        return overflow ? nil : bytes
    }

    func run() throws {
        let client: KubeClient
        do { client = try kube.makeClient() } catch { throw CommandFailure(error.description) }
        var options = SniffOptions()
        options.targets = targets.compactMap { try? TargetSpec.parse($0) } + (selector.map { [.selector($0)] } ?? [])
        options.namespace = client.config.namespace
        options.allNamespaces = allNamespaces
        options.container = container
        options.filter = filter
        options.interface = interface
        if wireshark {
            options.output = .viewer
        } else if let output, output != "-" {
            options.output = .file(output)
        } else {
            options.output = .stdout
        }
        options.mode = CaptureMode(rawValue: mode) ?? .auto
        options.transport = CaptureTransport(rawValue: transport) ?? .auto
        options.duration = duration.flatMap(Durations.parse)
        options.count = count
        options.maxSize = maxSize.flatMap(Self.parseSize)
        options.snaplen = snaplen
        options.image = image
        options.imagePullSecrets = imagePullSecrets
        options.keep = keep
        options.captureOwnStream = captureOwnStream
        options.quiet = quiet
        options.commandLine = (["kubectl", "aksnet", "sniff"] + targets).joined(separator: " ")
        options.createdBy = client.config.userName
        do {
            try Sniffer(client: client, options: options).run()
        } catch {
            if case .usage(let message) = error { throw ValidationError(message) }
            throw CommandFailure(error.description)
        }
    }
}
