import KubeModel

/// kubectl sends SelfSubjectAccessReview as Kubernetes protobuf (`k8s\0` + runtime.Unknown);
/// this reads the resource attributes out of it into the JSON shape.
enum ProtobufReview {
    struct Field {
        let number: Int
        let varint: UInt64
        let bytes: ArraySlice<UInt8>
    }

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
                out.append(Field(number: number, varint: value, bytes: []))
            case 2:
                guard let length = varint(), index + Int(length) <= data.endIndex else { return out }
                out.append(Field(number: number, varint: 0, bytes: data[index..<index + Int(length)]))
                index += Int(length)
            case 1: index += 8
            case 5: index += 4
            default: return out
            }
        }
        return out
    }

    static func string(_ field: Field?) -> JSONValue { .string(field.map { String(decoding: $0.bytes, as: UTF8.self) } ?? "") }

    /// The review as JSON, or nil when the bytes are not a Kubernetes protobuf envelope.
    static func decode(_ body: [UInt8]) -> JSONValue? {
        guard body.starts(with: [0x6B, 0x38, 0x73, 0x00]) else { return nil }
        let unknown = fields(body[4...])
        guard let raw = unknown.first(where: { $0.number == 2 }) else { return nil }
        let review = fields(raw.bytes)
        var spec = JSONObject()
        if let specField = review.first(where: { $0.number == 2 }) {
            let specFields = fields(specField.bytes)
            if let attributes = specFields.first(where: { $0.number == 1 }) {
                let a = fields(attributes.bytes)
                func pick(_ n: Int) -> JSONValue { string(a.first { $0.number == n }) }
                spec["resourceAttributes"] = ["namespace": pick(1), "verb": pick(2), "group": pick(3), "version": pick(4),
                                              "resource": pick(5), "subresource": pick(6), "name": pick(7)]
            }
            if let nonResource = specFields.first(where: { $0.number == 2 }) {
                let n = fields(nonResource.bytes)
                spec["nonResourceAttributes"] = ["path": string(n.first { $0.number == 1 }), "verb": string(n.first { $0.number == 2 })]
            }
        }
        return ["kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1",
                "metadata": ["creationTimestamp": .null], "spec": .object(spec)]
    }
}
