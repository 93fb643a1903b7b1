import KubeModel

/// What was collected on one node, or why nothing was (NotReady, Windows, PodSecurity,
/// image pull failure, timeout, no permission): such a node is listed, never fatal.
public struct NodeEvidence: Sendable, Equatable {
    public var node: String
    public var collected: Bool
    /// Why the node was not (or only partly) collected, one line.
    public var reason: String?
    /// What the user can run instead (Windows nodes: the command to run by hand).
    public var hint: String?
    public var runs: [CommandRun]

    public init(node: String, collected: Bool, reason: String? = nil, hint: String? = nil, runs: [CommandRun] = []) {
        self.node = node
        self.collected = collected
        self.reason = reason
        self.hint = hint
        self.runs = runs
    }

    /// The run with this id, if the collector ran it.
    public func run(_ id: String) -> CommandRun? { runs.first { $0.id == id } }

    public var json: JSONValue {
        var object = JSONObject()
        object["node"] = .string(node)
        object["collected"] = .bool(collected)
        object["reason"] = reason.map { .string($0) } ?? .null
        object["hint"] = hint.map { .string($0) } ?? .null
        object["runs"] = .array(runs.map(\.json))
        return .object(object)
    }

    public init(json: JSONValue) throws(EvidenceError) {
        guard let node = json["node"]?.stringValue else { throw EvidenceError("a node's evidence has no node name") }
        self.node = node
        collected = json["collected"]?.boolValue ?? false
        reason = json["reason"]?.stringValue
        hint = json["hint"]?.stringValue
        var runs: [CommandRun] = []
        for run in json["runs"]?.arrayValue ?? [] { runs.append(try CommandRun(json: run)) }
        self.runs = runs
    }
}
