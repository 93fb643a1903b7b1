import KubeModel

/// Reads the process outcome from the channel-3 Status, as kubectl does:
/// `Success` is 0; `NonZeroExitCode` carries the code in its causes; any
/// other failure (a missing executable, an internal error) is an error.
public enum ExecOutcome: Sendable, Equatable {
    case exited(Int32)
    case failed(message: String)

    public static func parse(_ payload: [UInt8]) -> ExecOutcome {
        guard let json = try? JSONValue.parse(payload), let status = Status(json: json) else {
            // With no subprotocol the server writes plain text.
            return .failed(message: String(decoding: payload, as: UTF8.self))
        }
        if status.status == "Success" { return .exited(0) }
        if status.reason == "NonZeroExitCode",
           let cause = status.causes.first(where: { $0.reason == "ExitCode" }), let code = Int32(cause.message) {
            return .exited(code)
        }
        return .failed(message: status.message)
    }
}
