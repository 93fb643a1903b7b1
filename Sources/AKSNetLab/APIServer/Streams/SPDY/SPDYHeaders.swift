import CZlib

/// SPDY/3 name/value header blocks through the session's zlib streams (preset dictionary):
/// one inflater for all the client's blocks, one deflater for all of ours.
final class SPDYHeaderCodec {
    private let inflater: OpaquePointer?
    private let deflater: OpaquePointer?

    init() {
        inflater = SPDYDictionary.bytes.withUnsafeBufferPointer { czlib_inflater_new($0.baseAddress, $0.count) }
        deflater = SPDYDictionary.bytes.withUnsafeBufferPointer { czlib_deflater_new($0.baseAddress, $0.count) }
    }

    deinit {
        czlib_free(inflater)
        czlib_free(deflater)
    }

    /// The headers of a compressed block, names lower-cased; a value holding NULs is several values.
    func decode(_ block: [UInt8]) throws -> [String: [String]] {
        guard let inflater else { throw SPDYError(description: "zlib unavailable") }
        var output = [UInt8](repeating: 0, count: 64 << 10)
        var produced = 0
        let rc = block.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                czlib_inflate(inflater, input.baseAddress, input.count, out.baseAddress, out.count, &produced)
            }
        }
        guard rc == 0 else { throw SPDYError(description: "bad SPDY header block") }
        return try Self.parse(Array(output[0..<produced]))
    }

    func encode(_ headers: [(String, String)]) throws -> [UInt8] {
        guard let deflater else { throw SPDYError(description: "zlib unavailable") }
        let raw = Self.serialize(headers)
        var output = [UInt8](repeating: 0, count: raw.count + 1024)
        var produced = 0
        let rc = raw.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                czlib_deflate_sync(deflater, input.baseAddress, input.count, out.baseAddress, out.count, &produced)
            }
        }
        guard rc == 0 else { throw SPDYError(description: "cannot compress SPDY headers") }
        return Array(output[0..<produced])
    }

    /// `count(32) {name-length(32) name value-length(32) value}…`
    static func parse(_ bytes: [UInt8]) throws -> [String: [String]] {
        var index = 0
        func u32() throws -> Int {
            guard index + 4 <= bytes.count else { throw SPDYError(description: "short SPDY header block") }
            defer { index += 4 }
            return Int(SPDYFrameReader.u32(body: bytes, at: index))
        }
        func text(_ length: Int) throws -> String {
            guard length >= 0, index + length <= bytes.count else { throw SPDYError(description: "short SPDY header block") }
            defer { index += length }
            return String(decoding: bytes[index..<(index + length)], as: UTF8.self)
        }
        var headers: [String: [String]] = [:]
        let count = try u32()
        guard count < 1024 else { throw SPDYError(description: "too many SPDY headers") }
        for _ in 0..<count {
            let name = try text(try u32()).lowercased()
            let value = try text(try u32())
            headers[name, default: []] += value.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
        }
        return headers
    }

    static func serialize(_ headers: [(String, String)]) -> [UInt8] {
        var out = SPDYFrame.be32(UInt32(headers.count))
        for (name, value) in headers {
            out += SPDYFrame.be32(UInt32(name.utf8.count)) + Array(name.utf8)
            out += SPDYFrame.be32(UInt32(value.utf8.count)) + Array(value.utf8)
        }
        return out
    }
}
