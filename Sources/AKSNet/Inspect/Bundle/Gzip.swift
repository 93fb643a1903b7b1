import CZlib

/// Whole-buffer gzip through the system zlib (CZlib).
public enum Gzip {
    public static func compress(_ bytes: [UInt8]) -> [UInt8]? {
        var output: UnsafeMutablePointer<UInt8>?
        var produced = 0
        let rc = bytes.withUnsafeBufferPointer { czlib_gzip($0.baseAddress, $0.count, &output, &produced) }
        guard rc == 0, let output else { return nil }
        defer { czlib_release(output) }
        return Array(UnsafeBufferPointer(start: output, count: produced))
    }

    /// nil when `bytes` is not gzip (or zlib) data, is cut, or would pass `limit` bytes.
    public static func decompress(_ bytes: [UInt8], limit: Int = 1 << 30) -> [UInt8]? {
        var output: UnsafeMutablePointer<UInt8>?
        var produced = 0
        let rc = bytes.withUnsafeBufferPointer { czlib_gunzip($0.baseAddress, $0.count, max(1, limit), &output, &produced) }
        guard rc == 0, let output else { return nil }
        defer { czlib_release(output) }
        return Array(UnsafeBufferPointer(start: output, count: produced))
    }

    public static func isGzip(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b }
}
