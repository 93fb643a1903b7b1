import KubeModel

/// One command a collector ran on a node, kept as it ran: what was run, its exit code, how long
/// it took, its output (bounded: `truncated` when the collector cut it) and its stderr.
/// `id` is stable across versions (`CollectorCommands` lists them) so analyzers find a run by id.
public struct CommandRun: Sendable, Equatable {
    public var id: String
    public var argv: [String]
    /// nil: the command did not finish (killed at its time limit, or the stream ended first).
    public var exitCode: Int32?
    public var durationMs: Int
    public var output: String
    public var stderr: String
    public var truncated: Bool

    public init(id: String, argv: [String], exitCode: Int32?, durationMs: Int, output: String,
                stderr: String = "", truncated: Bool = false) {
        self.id = id
        self.argv = argv
        self.exitCode = exitCode
        self.durationMs = durationMs
        self.output = output
        self.stderr = stderr
        self.truncated = truncated
    }

    /// Ran and exited 0.
    public var succeeded: Bool { exitCode == 0 }

    public var json: JSONValue {
        var object = JSONObject()
        object["id"] = .string(id)
        object["argv"] = .array(argv.map { .string($0) })
        object["exitCode"] = exitCode.map { .int(Int64($0)) } ?? .null
        object["durationMs"] = .int(Int64(durationMs))
        object["output"] = .string(output)
        object["stderr"] = .string(stderr)
        object["truncated"] = .bool(truncated)
        return .object(object)
    }

    public init(json: JSONValue) throws(EvidenceError) {
        guard let id = json["id"]?.stringValue else { throw EvidenceError("a command run has no id") }
        self.id = id
        argv = json["argv"]?.arrayValue?.compactMap(\.stringValue) ?? []
        exitCode = json["exitCode"]?.intValue.flatMap { Int32(exactly: $0) }
        durationMs = json["durationMs"]?.intValue.flatMap { Int(exactly: $0) } ?? 0
        output = json["output"]?.stringValue ?? ""
        stderr = json["stderr"]?.stringValue ?? ""
        truncated = json["truncated"]?.boolValue ?? false
    }
}

/// Evidence that cannot be read back (a bundle from elsewhere, a newer schema).
public struct EvidenceError: Error, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
