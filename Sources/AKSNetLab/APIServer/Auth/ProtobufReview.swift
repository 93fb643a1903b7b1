import KubeModel

/// kubectl sends SelfSubjectAccessReview as Kubernetes protobuf (`k8s\0` + runtime.Unknown);
/// this reads the resource attributes out of it into the JSON shape.
enum ProtobufReview {
    typealias Field = ProtobufWire.Field
    static func fields(_ data: ArraySlice<UInt8>) -> [Field] { ProtobufWire.fields(data) }

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
