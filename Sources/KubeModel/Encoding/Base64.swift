/// Standard base64 (RFC 4648, padded), as Go's encoding/json uses for []byte.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let reverse: [Int16] = {
        var table = [Int16](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = Int16(i) }
        return table
    }()

    public static func encode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity((input.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= input.count {
            let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            i += 3
        }
        let rest = input.count - i
        if rest == 1 {
            let n = UInt32(input[i]) << 16
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
        } else if rest == 2 {
            let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], UInt8(ascii: "=")]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes padded base64; CR and LF are skipped as Go does. Returns nil and
    /// the offset of the first bad byte otherwise.
    public static func decode(_ text: String) -> Result<[UInt8], Base64Error> {
        var out: [UInt8] = []
        var quad: [UInt32] = []
        var padding = 0
        for (offset, byte) in text.utf8.enumerated() {
            if byte == 0x0A || byte == 0x0D { continue }
            if byte == UInt8(ascii: "=") {
                padding += 1
                quad.append(0)
            } else {
                let v = reverse[Int(byte)]
                guard v >= 0, padding == 0 else { return .failure(Base64Error(offset: offset)) }
                quad.append(UInt32(v))
            }
            if quad.count == 4 {
                let n = quad[0] << 18 | quad[1] << 12 | quad[2] << 6 | quad[3]
                let bytes = [UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
                guard padding <= 2 else { return .failure(Base64Error(offset: offset)) }
                out += bytes.prefix(3 - padding)
                quad.removeAll(keepingCapacity: true)
                if padding > 0 { padding = 3 } // nothing may follow padding
            }
        }
        guard quad.isEmpty else { return .failure(Base64Error(offset: text.utf8.count)) }
        return .success(out)
    }
}

public struct Base64Error: Error, Sendable, Equatable {
    public let offset: Int
}
