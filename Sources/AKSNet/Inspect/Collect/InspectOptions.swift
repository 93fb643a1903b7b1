/// What one `kubectl aksnet inspect` run collects and how.
public struct InspectOptions: Sendable, Equatable {
    /// The `aksnet.io/command` label and name part of inspect's helpers.
    public static let command = "inspect"
    /// Inspect's helpers end by this deadline even if nobody deletes them (DESIGN.md: 10 min).
    public static let deadlineSeconds = 600

    /// Node names (`node/NAME`); empty: every node the selector matches.
    public var nodes: [String] = []
    /// A label selector for nodes (`agentpool=np1`).
    public var selector: String?
    public var concurrency = 10
    public var daemonSetThreshold = 50
    public var image = HelperPodOptions.defaultImage
    public var imagePullSecrets: [String] = []
    /// How long a helper may take to run (seconds).
    public var startTimeout = 120.0
    /// How long one node's exec may take (seconds).
    public var execTimeout = 300.0
    /// Bytes kept of one command's output, and of one node's whole stream: a 100,000-rule
    /// `iptables-save -c` (~15 MB) fits; an endless output is cut and marked.
    public var commandLimit = 32 << 20
    public var nodeLimit = 64 << 20
    public var session = HelperLabels.newSessionID()
    public var commandLine = ""
    public var createdBy = ""

    public init() {}

    public var helperOptions: HelperPodOptions {
        HelperPodOptions(image: image, imagePullSecrets: imagePullSecrets, deadlineSeconds: Self.deadlineSeconds,
                         session: session, command: Self.command, commandLine: commandLine, createdBy: createdBy)
    }
}
