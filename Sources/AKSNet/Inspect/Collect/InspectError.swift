/// Why an inspect run could not run at all (exit 1). Anything less (a node, a read, a
/// permission) is recorded in the evidence instead and the run goes on.
public enum InspectError: Error, Equatable, CustomStringConvertible, Sendable {
    case unknownNode(String)
    case interrupted(Int32)
    case bundle(String)
    case other(String)

    public var description: String {
        switch self {
        case .unknownNode(let name): return "nodes \"\(name)\" not found"
        case .interrupted(let signal): return "interrupted by \(StopSignal.name(signal)); the helpers this run made were deleted"
        case .bundle(let message): return message
        case .other(let message): return message
        }
    }
}
