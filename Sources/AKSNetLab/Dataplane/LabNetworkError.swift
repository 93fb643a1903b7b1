/// Everything that can go wrong while building, changing or tearing down a lab network.
public enum LabNetworkError: Error, Equatable, CustomStringConvertible {
    case invalidSpec(String)
    case commandNotFound(String)
    case commandFailed(argv: [String], status: Int32, stderr: String)
    case commandTimedOut([String])
    case addressSpaceExhausted(String)
    case unknownNode(String)
    case unknownPod(String)
    case duplicatePod(String)
    case unknownService(String)
    case invalidFault(String)
    case stateFile(String)

    public var description: String {
        switch self {
        case .invalidSpec(let why): return "invalid lab network spec: \(why)"
        case .commandNotFound(let name): return "program not found: \(name)"
        case .commandFailed(let argv, let status, let stderr):
            return "\(argv.joined(separator: " ")) exited \(status): \(stderr.trimmingCharacters(in: .whitespacesAndNewlines))"
        case .commandTimedOut(let argv): return "timed out: \(argv.joined(separator: " "))"
        case .addressSpaceExhausted(let range): return "no free address left in \(range)"
        case .unknownNode(let name): return "no such lab node: \(name)"
        case .unknownPod(let name): return "no such lab pod: \(name)"
        case .duplicatePod(let name): return "lab pod already exists: \(name)"
        case .unknownService(let name): return "no such lab service: \(name)"
        case .invalidFault(let why): return "invalid fault: \(why)"
        case .stateFile(let why): return "lab network state file: \(why)"
        }
    }
}
