/// Reads CN and O from a DER X.509 certificate's subject: enough to map a client
/// certificate to a user and groups the way the API server does.
enum CertificateSubject {
    struct Element {
        let tag: UInt8
        let content: ArraySlice<UInt8>
        let end: Int
    }

    static func element(_ bytes: [UInt8], at start: Int) -> Element? {
        guard start + 2 <= bytes.count else { return nil }
        let tag = bytes[start]
        var index = start + 1
        var length = Int(bytes[index])
        index += 1
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard count > 0, count <= 4, index + count <= bytes.count else { return nil }
            length = 0
            for byte in bytes[index..<index + count] { length = length << 8 | Int(byte) }
            index += count
        }
        guard index + length <= bytes.count else { return nil }
        return Element(tag: tag, content: bytes[index..<index + length], end: index + length)
    }

    static func children(_ bytes: [UInt8], _ content: ArraySlice<UInt8>) -> [Element] {
        var out: [Element] = []
        var index = content.startIndex
        while index < content.endIndex, let child = element(bytes, at: index) {
            out.append(child)
            index = child.end
        }
        return out
    }

    /// (common name, organizations), or nil when the bytes are not a certificate.
    static func parse(der bytes: [UInt8]) -> (commonName: String, organizations: [String])? {
        guard let certificate = element(bytes, at: 0), certificate.tag == 0x30,
              let tbs = children(bytes, certificate.content).first, tbs.tag == 0x30 else { return nil }
        var fields = children(bytes, tbs.content)
        if fields.first?.tag == 0xA0 { fields.removeFirst() }  // explicit version
        // serialNumber, signature, issuer, validity, subject
        guard fields.count >= 5 else { return nil }
        let subject = fields[4]
        var commonName = ""
        var organizations: [String] = []
        for set in children(bytes, subject.content) {
            for attribute in children(bytes, set.content) {
                let parts = children(bytes, attribute.content)
                guard parts.count == 2, parts[0].tag == 0x06 else { continue }
                let oid = Array(parts[0].content)
                let value = String(decoding: parts[1].content, as: UTF8.self)
                if oid == [0x55, 0x04, 0x03] { commonName = value }
                if oid == [0x55, 0x04, 0x0A] { organizations.append(value) }
            }
        }
        return (commonName, organizations)
    }
}
