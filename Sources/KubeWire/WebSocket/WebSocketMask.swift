/// RFC 6455 §5.3 masking: XOR with the repeated 4-byte key. The same operation masks (client)
/// and unmasks (server). Eight bytes at a time (the key repeats every 4 bytes, so an 8-byte word
/// is the key twice), then the tail byte by byte: a per-byte loop was a third of the plugin's
/// CPU in an scp upload through `jump --stdio`.
enum WebSocketMask {
    static func apply(_ raw: UnsafeMutableRawBufferPointer, key: (UInt8, UInt8, UInt8, UInt8)) {
        let count = raw.count
        guard count > 0, let base = raw.baseAddress else { return }
        let keyBytes = [key.0, key.1, key.2, key.3]
        var word: UInt64 = 0
        withUnsafeMutableBytes(of: &word) { w in
            for i in 0..<8 { w[i] = keyBytes[i & 3] }
        }
        let words = count / 8
        var i = 0
        while i < words {
            let pointer = base + i * 8
            pointer.storeBytes(of: pointer.loadUnaligned(as: UInt64.self) ^ word, as: UInt64.self)
            i += 1
        }
        var j = words * 8
        while j < count {
            raw[j] ^= keyBytes[j & 3]
            j += 1
        }
    }
}
