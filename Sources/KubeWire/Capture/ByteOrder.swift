/// Fixed-width integers out of a byte array. Callers check the bounds first:
/// these are only called on ranges already known to be there.
enum ByteReader {
    static func uint16(_ bytes: [UInt8], at index: Int, bigEndian: Bool) -> UInt16 {
        let a = UInt16(bytes[index]), b = UInt16(bytes[index + 1])
        return bigEndian ? a << 8 | b : b << 8 | a
    }

    static func uint32(_ bytes: [UInt8], at index: Int, bigEndian: Bool) -> UInt32 {
        var value: UInt32 = 0
        for i in 0..<4 {
            let byte = UInt32(bytes[index + (bigEndian ? i : 3 - i)])
            value = value << 8 | byte
        }
        return value
    }
}

/// Little-endian output: pcapng and our classic pcap are written little-endian
/// (readers accept either; one order keeps the tables in the tests simple).
extension Array where Element == UInt8 {
    mutating func appendLittleEndian(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value))
        append(UInt8(truncatingIfNeeded: value >> 8))
    }

    mutating func appendLittleEndian(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    mutating func appendLittleEndian(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    /// Zero bytes up to the next multiple of four (pcapng aligns every field).
    mutating func padToFour() {
        while count % 4 != 0 { append(0) }
    }
}
