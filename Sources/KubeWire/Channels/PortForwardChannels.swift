/// Port-forward over WebSocket (`v4.channel.k8s.io`): for the i-th port, data
/// on channel 2i and errors on 2i+1; the first server frame on each channel
/// is `[channel, port_lo, port_hi]`.
public enum PortForwardProtocol {
    public static let name = "v4.channel.k8s.io"
}

public enum PortForwardEvent: Sendable, Equatable {
    /// Both channels of the port have sent their preamble.
    case ready(portIndex: Int)
    case data(portIndex: Int, bytes: [UInt8])
    case error(portIndex: Int, message: String)
}

public struct PortForwardError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public var description: String { "port-forward: \(reason)" }
}

public struct PortForwardDemux: Sendable {
    public let ports: [UInt16]
    private var preambleSeen: [Bool]

    public init(ports: [UInt16]) {
        self.ports = ports
        self.preambleSeen = Array(repeating: false, count: ports.count * 2)
    }

    /// Data the client sends for port i.
    public static func encode(portIndex: Int, _ bytes: [UInt8]) -> [UInt8] { [UInt8(portIndex * 2)] + bytes }

    /// The preamble a server sends first on a channel.
    public static func preamble(channel: UInt8, port: UInt16) -> [UInt8] { [channel, UInt8(port & 0xFF), UInt8(port >> 8)] }

    public mutating func receive(_ message: [UInt8]) throws(PortForwardError) -> [PortForwardEvent] {
        guard let channel = message.first else { return [] }
        let index = Int(channel) / 2
        guard index < ports.count else { throw PortForwardError(reason: "frame on unknown channel \(channel)") }
        var payload = Array(message.dropFirst())
        var events: [PortForwardEvent] = []
        if !preambleSeen[Int(channel)] {
            guard payload.count >= 2 else { throw PortForwardError(reason: "short port preamble on channel \(channel)") }
            let port = UInt16(payload[0]) | UInt16(payload[1]) << 8
            guard port == ports[index] else {
                throw PortForwardError(reason: "channel \(channel) announced port \(port), expected \(ports[index])")
            }
            preambleSeen[Int(channel)] = true
            payload.removeFirst(2)
            if preambleSeen[index * 2] && preambleSeen[index * 2 + 1] { events.append(.ready(portIndex: index)) }
        }
        guard !payload.isEmpty else { return events }
        if channel % 2 == 0 {
            events.append(.data(portIndex: index, bytes: payload))
        } else {
            events.append(.error(portIndex: index, message: String(decoding: payload, as: UTF8.self)))
        }
        return events
    }
}
