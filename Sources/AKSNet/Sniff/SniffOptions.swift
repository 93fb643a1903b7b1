/// Everything `kubectl aksnet sniff` was asked, already parsed (the CLI fills it).
public struct SniffOptions: Sendable {
    public var targets: [TargetSpec] = []
    public var namespace = "default"
    public var allNamespaces = false
    public var container: String?
    public var filter: String?
    public var interface: String?
    public var output: CaptureOutput.Destination = .stdout
    public var mode: CaptureMode = .auto
    public var transport: CaptureTransport = .auto
    public var duration: Double?
    public var count: Int?
    public var maxSize: Int64?
    public var snaplen = 262144
    public var image = HelperPodOptions.defaultImage
    public var imagePullSecrets: [String] = []
    public var keep = false
    /// Keep the flows that carry the capture in node-side captures (OwnStream); off by default.
    public var captureOwnStream = false
    public var quiet = false
    public var commandLine = ""
    public var createdBy = ""
    /// How long a helper may take to run (image pull included).
    public var startTimeout = 120.0

    public init() {}

    /// The filter as tcpdump argv words: one element, tcpdump joins and parses it.
    public var filterWords: [String] {
        guard let filter, !filter.trimmingSpaces.isEmpty else { return [] }
        return [filter]
    }
}

extension String {
    var trimmingSpaces: Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? start
        return self[start..<end]
    }
}
