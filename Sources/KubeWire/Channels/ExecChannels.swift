/// The exec/attach channel protocols over WebSocket binary messages: one
/// channel byte, then data. v5 adds `[0xFF, channel]` to close a stream.
public enum ExecProtocol: String, Sendable, CaseIterable {
    case v5 = "v5.channel.k8s.io"
    case v4 = "v4.channel.k8s.io"

    /// What a client offers, best first (kubectl 1.32 offers v5, then v4).
    public static let offered = [ExecProtocol.v5.rawValue, ExecProtocol.v4.rawValue]
}

public enum ExecChannel: UInt8, Sendable {
    case stdin = 0, stdout = 1, stderr = 2, error = 3, resize = 4
    /// v5 only: the payload names the channel being closed.
    case close = 255
}

public enum ExecFrame: Sendable, Equatable {
    case stdout([UInt8])
    case stderr([UInt8])
    /// Channel 3: the `metav1.Status` JSON (or plain text with no subprotocol).
    case status([UInt8])
    case closed(channel: UInt8)
    case other(channel: UInt8, data: [UInt8])
}

public enum ExecChannelCodec {
    public static func stdin(_ data: [UInt8]) -> [UInt8] { [ExecChannel.stdin.rawValue] + data }

    /// `{"Width":W,"Height":H}` on channel 4, as kubectl sends it.
    public static func resize(width: Int, height: Int) -> [UInt8] {
        [ExecChannel.resize.rawValue] + Array("{\"Width\":\(width),\"Height\":\(height)}".utf8)
    }

    /// v5's stdin EOF. v4 has none: the process sees EOF only when the socket closes.
    public static func closeStdin() -> [UInt8] { [ExecChannel.close.rawValue, ExecChannel.stdin.rawValue] }

    /// Decodes one binary message; nil for the empty keep-alive frame a server sends first (`[0x01]` has no data).
    public static func decode(_ message: [UInt8]) -> ExecFrame? {
        guard let channel = message.first else { return nil }
        let data = Array(message.dropFirst())
        switch channel {
        case ExecChannel.stdout.rawValue: return data.isEmpty ? nil : .stdout(data)
        case ExecChannel.stderr.rawValue: return data.isEmpty ? nil : .stderr(data)
        case ExecChannel.error.rawValue: return data.isEmpty ? nil : .status(data)
        case ExecChannel.close.rawValue: return .closed(channel: data.first ?? 0)
        default: return .other(channel: channel, data: data)
        }
    }
}
