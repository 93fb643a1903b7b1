/// One thing inspect found, with the lines that show it and what to change.
public struct Finding: Sendable, Equatable {
    public enum Severity: String, Sendable, Comparable, CaseIterable {
        case error, warning, info
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
        var rank: Int { self == .error ? 0 : self == .warning ? 1 : 2 }
    }

    /// Stable: `missing-route`, `ip-forward-off`, … (scripts and the HTML key on it).
    public var id: String
    public var severity: Severity
    public var title: String
    public var nodes: [String]
    public var evidence: [EvidenceLine]
    public var fix: String

    public init(id: String, severity: Severity, title: String, nodes: [String], evidence: [EvidenceLine], fix: String) {
        self.id = id
        self.severity = severity
        self.title = title
        self.nodes = nodes
        self.evidence = evidence
        self.fix = fix
    }
}

/// A line quoted verbatim from what was collected: which node, which command (a
/// `CollectorCommands` id or `api:KEY`), which line (1-based) and its text.
public struct EvidenceLine: Sendable, Equatable {
    public var node: String?
    public var source: String
    public var line: Int?
    public var text: String

    public init(node: String?, source: String, line: Int?, text: String) {
        self.node = node
        self.source = source
        self.line = line
        self.text = text
    }
}
