import TestSupport

/// A PNG's size and how many of its pixels are close to a colour, read by Python's zlib (the
/// test venv's interpreter, stdlib only): enough to see that the red marks reached the screen.
enum PNGCheck {
    static let script = #"""
    import struct, sys, zlib
    data = open(sys.argv[1], 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
    pos, idat, w, h, ctype = 8, b'', 0, 0, 0
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]; pos += 12 + n
        if kind == b'IHDR': w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
        elif kind == b'IDAT': idat += body
    bpp = {2: 3, 6: 4}[ctype]
    raw = zlib.decompress(idat); stride = w * bpp; prev = bytearray(stride); out = 0; i = 0
    targets = [tuple(int(c[k:k + 2], 16) for k in (0, 2, 4)) for c in sys.argv[2:]]
    counts = [0] * len(targets)
    for y in range(h):
        f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0; b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(0, stride, bpp):
            for t, (r, g, bl) in enumerate(targets):
                if abs(line[x] - r) < 24 and abs(line[x + 1] - g) < 24 and abs(line[x + 2] - bl) < 24: counts[t] += 1
        prev = line
    print(w, h, *counts)
    """#

    /// (width, height, pixels near each `hexColours` entry).
    static func inspect(_ path: String, colours: [String], python: String) throws -> (width: Int, height: Int, counts: [Int])? {
        let result = try Shell.run(python, ["-c", script, path] + colours, timeout: 300)
        let numbers = result.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int($0) }
        guard result.status == 0, numbers.count == 2 + colours.count else { return nil }
        return (numbers[0], numbers[1], Array(numbers.dropFirst(2)))
    }
}
