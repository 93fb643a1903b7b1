/// The protobuf wire format, read only: the fields of one message (varints and
/// length-delimited bytes; fixed-width fields are skipped, as no Kubernetes type the lab
/// reads uses them). Malformed input ends the list early, never traps.
enum ProtobufWire {
    struct Field {
        let number: Int
        let varint: UInt64
        let bytes: ArraySlice<UInt8>
        var isBytes: Bool
    }

    /// The envelope of every Kubernetes protobuf body: `k8s\0` then a runtime.Unknown.
    static let magic: [UInt8] = [0x6B, 0x38, 0x73, 0x00]

    static func fields(_ data: ArraySlice<UInt8>) -> [Field] {
        var out: [Field] = []
        var index = data.startIndex
        func varint() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while index < data.endIndex, shift < 64 {
                let byte = data[index]
                index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            return nil
        }
        while index < data.endIndex {
            guard let key = varint() else { break }
            let number = Int(key >> 3)
            switch key & 7 {
            case 0:
                guard let value = varint() else { return out }
                out.append(Field(number: number, varint: value, bytes: [], isBytes: false))
            case 2:
                guard let length = varint(), length <= UInt64(data.endIndex - index) else { return out }
                out.append(Field(number: number, varint: 0, bytes: data[index..<index + Int(length)], isBytes: true))
                index += Int(length)
            case 1:
                guard data.endIndex - index >= 8 else { return out }
                index += 8
            case 5:
                guard data.endIndex - index >= 4 else { return out }
                index += 4
            default: return out
            }
        }
        return out
    }

    /// The runtime.Unknown of a body: (apiVersion, kind, raw object bytes); nil without the magic.
    static func envelope(_ body: [UInt8]) -> (apiVersion: String, kind: String, raw: ArraySlice<UInt8>)? {
        guard body.starts(with: magic) else { return nil }
        let unknown = fields(body[magic.count...])
        let typeMeta = fields(unknown.first { $0.number == 1 }?.bytes ?? [])
        func text(_ n: Int) -> String { typeMeta.first { $0.number == n }.map { String(decoding: $0.bytes, as: UTF8.self) } ?? "" }
        return (text(1), text(2), unknown.first { $0.number == 2 }?.bytes ?? [])
    }
}
