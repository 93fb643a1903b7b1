/// Why a capture stream could not be read or written. One public struct over a
/// private code, so new cases do not break callers that switch on nothing.
public struct PcapError: Error, Sendable, Equatable, CustomStringConvertible {
    enum Code: Sendable, Equatable {
        case badMagic(UInt32)
        case unsupportedVersion(major: UInt16, minor: UInt16)
        case recordTooLarge(length: UInt32, limit: Int)
        case backlogFull(limit: Int)
        case unknownInterface(UInt32)
    }

    let code: Code

    init(_ code: Code) { self.code = code }

    /// The stream does not start with a pcap magic number (not pcap, or pcapng).
    public var isBadMagic: Bool { if case .badMagic = code { true } else { false } }
    /// A record header claims more bytes than the snapshot length or the reader's limit.
    public var isRecordTooLarge: Bool { if case .recordTooLarge = code { true } else { false } }
    /// A packet or statistics block names an interface this writer never described.
    public var isUnknownInterface: Bool { if case .unknownInterface = code { true } else { false } }
    /// The caller fed more than the reader holds without taking packets out.
    public var isBacklogFull: Bool { if case .backlogFull = code { true } else { false } }

    public var description: String {
        switch code {
        case .badMagic(let magic):
            if magic == 0x0A0D_0D0A { return "pcap: the stream is pcapng, not classic pcap" }
            let hex = String(magic, radix: 16)
            return "pcap: not a pcap stream (first bytes 0x\(String(repeating: "0", count: 8 - hex.count))\(hex))"
        case .unsupportedVersion(let major, let minor):
            return "pcap: unsupported file format version \(major).\(minor)"
        case .recordTooLarge(let length, let limit):
            return "pcap: a record claims \(length) bytes, more than the limit of \(limit)"
        case .backlogFull(let limit):
            return "pcap: more than \(limit) bytes fed without reading packets"
        case .unknownInterface(let id):
            return "pcapng: interface \(id) was never described"
        }
    }
}
