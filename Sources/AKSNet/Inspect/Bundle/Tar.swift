/// A ustar archive of regular files, written and read whole (POSIX.1-1988 headers, names up to
/// 255 bytes through the prefix field). What a bundle needs and no more: no links, devices or
/// pax records; the reader skips what it does not know and never traps on a bad archive.
public enum Tar {
    public struct Entry: Equatable, Sendable {
        public var path: String
        public var bytes: [UInt8]
        public var mode: Int

        public init(path: String, bytes: [UInt8], mode: Int = 0o600) {
            self.path = path
            self.bytes = bytes
            self.mode = mode
        }
    }

    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    public static func write(_ entries: [Entry], mtime: Int = 0) throws(Failure) -> [UInt8] {
        var out: [UInt8] = []
        for entry in entries { out += try record(entry, mtime: mtime) }
        out += trailer
        return out
    }

    /// One file as it goes in the archive: header, bytes, padding to 512.
    public static func record(_ entry: Entry, mtime: Int) throws(Failure) -> [UInt8] {
        var out = try header(entry, mtime: mtime)
        out.reserveCapacity(512 + entry.bytes.count + 512)
        out += entry.bytes
        out += [UInt8](repeating: 0, count: (512 - entry.bytes.count % 512) % 512)
        return out
    }

    /// The two zero blocks that end an archive.
    public static let trailer = [UInt8](repeating: 0, count: 1024)

    static func header(_ entry: Entry, mtime: Int) throws(Failure) -> [UInt8] {
        let path = Array(entry.path.utf8)
        var name = path
        var prefix: [UInt8] = []
        if path.count > 100 {
            // Split at a slash so that prefix ≤ 155 and name ≤ 100.
            guard let cut = path.indices.last(where: { path[$0] == UInt8(ascii: "/") && $0 <= 155 && path.count - $0 - 1 <= 100 }) else {
                throw Failure(description: "name too long for a tar header: \(entry.path)")
            }
            prefix = Array(path[..<cut])
            name = Array(path[(cut + 1)...])
        }
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ bytes: [UInt8], at offset: Int, width: Int) {
            for (index, byte) in bytes.prefix(width).enumerated() { block[offset + index] = byte }
        }
        func octal(_ value: Int, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8) + [0]
        }
        put(name, at: 0, width: 100)
        put(octal(entry.mode & 0o7777, width: 8), at: 100, width: 8)
        put(octal(0, width: 8), at: 108, width: 8)
        put(octal(0, width: 8), at: 116, width: 8)
        guard entry.bytes.count < 0o77777777777 else { throw Failure(description: "file too large for a tar header: \(entry.path)") }
        put(octal(entry.bytes.count, width: 12), at: 124, width: 12)
        put(octal(max(0, mtime), width: 12), at: 136, width: 12)
        put(Array("        ".utf8), at: 148, width: 8)
        block[156] = UInt8(ascii: "0")
        put(Array("ustar".utf8) + [0], at: 257, width: 6)
        put(Array("00".utf8), at: 263, width: 2)
        put(prefix, at: 345, width: 155)
        let sum = block.reduce(0) { $0 + Int($1) }
        put(octal(sum, width: 7) + [UInt8(ascii: " ")], at: 148, width: 8)
        return block
    }

    /// Every regular file of the archive (directories and other kinds skipped).
    public static func read(_ bytes: [UInt8]) throws(Failure) -> [Entry] {
        var entries: [Entry] = []
        var offset = 0
        while offset + 512 <= bytes.count {
            let block = bytes[offset..<offset + 512]
            if block.allSatisfy({ $0 == 0 }) { break }
            let base = block.startIndex
            func field(_ at: Int, _ width: Int) -> ArraySlice<UInt8> {
                let slice = block[(base + at)..<(base + at + width)]
                return slice.prefix { $0 != 0 }
            }
            func number(_ at: Int, _ width: Int) -> Int? {
                let text = String(decoding: field(at, width), as: UTF8.self).filter { $0 != " " }
                return text.isEmpty ? 0 : Int(text, radix: 8)
            }
            let stored = number(148, 8)
            var check = 0
            for (index, byte) in block.enumerated() { check += (148..<156).contains(index) ? 32 : Int(byte) }
            guard let stored, stored == check else { throw Failure(description: "not a tar archive (bad header checksum at byte \(offset))") }
            guard let size = number(124, 12), size >= 0 else { throw Failure(description: "bad size in the tar header at byte \(offset)") }
            let name = String(decoding: field(0, 100), as: UTF8.self)
            let prefix = String(decoding: field(345, 155), as: UTF8.self)
            let type = block[base + 156]
            let start = offset + 512
            guard size <= bytes.count - start else { throw Failure(description: "the tar archive is cut (\(name))") }
            if type == UInt8(ascii: "0") || type == 0 {
                entries.append(Entry(path: prefix.isEmpty ? name : prefix + "/" + name, bytes: Array(bytes[start..<start + size]),
                                     mode: number(100, 8) ?? 0o600))
            }
            offset = start + (size + 511) / 512 * 512
        }
        return entries
    }
}
