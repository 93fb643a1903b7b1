import KubeModel

/// How one Kubernetes protobuf message maps to its JSON: field number → (JSON name, kind).
/// Only the fields kubectl's generators (`create secret|configmap|namespace|serviceaccount|
/// service|deployment`) and `kubectl debug` send are listed; others are skipped, as a real decoder of an older
/// schema would.
indirect enum ProtobufKind: Sendable {
    case string, bool, int, bytes
    case message(ProtobufSchema)
    case repeated(ProtobufKind)
    case map(ProtobufKind)
    /// intstr.IntOrString: {type 1, intVal 2, strVal 3}.
    case intOrString
    /// resource.Quantity: {string 1}.
    case quantity
    /// An embedded message whose fields JSON lists in the parent (Go's `json:",inline"`:
    /// Volume.VolumeSource, ConfigMapVolumeSource.LocalObjectReference).
    case inline(ProtobufSchema)
}

struct ProtobufSchema: Sendable {
    let fields: [Int: (name: String, kind: ProtobufKind)]

    init(_ fields: [Int: (String, ProtobufKind)]) {
        self.fields = fields.mapValues { (name: $0.0, kind: $0.1) }
    }

    func decode(_ bytes: ArraySlice<UInt8>) -> JSONValue {
        var object = JSONObject()
        var lists: [String: [JSONValue]] = [:]
        var maps: [String: JSONObject] = [:]
        var order: [String] = []
        for field in ProtobufWire.fields(bytes) {
            guard let (name, kind) = fields[field.number] else { continue }
            if !order.contains(name) { order.append(name) }
            switch kind {
            case .inline(let schema):
                order.removeAll { $0 == name }
                for (key, value) in schema.decode(field.bytes).objectValue ?? JSONObject() {
                    if !order.contains(key) { order.append(key) }
                    object[key] = value
                }
            case .repeated(let element):
                if let value = Self.value(element, field) { lists[name, default: []].append(value) }
            case .map(let valueKind):
                let entry = ProtobufWire.fields(field.bytes)
                let key = entry.first { $0.number == 1 }.map { String(decoding: $0.bytes, as: UTF8.self) } ?? ""
                let raw = entry.first { $0.number == 2 } ?? ProtobufWire.Field(number: 2, varint: 0, bytes: [], isBytes: true)
                var map = maps[name] ?? JSONObject()
                map[key] = Self.value(valueKind, raw) ?? .string("")
                maps[name] = map
            default:
                // Protobuf carries zero values that Go's JSON leaves out (omitempty): drop them, so defaulting applies.
                if let value = Self.value(kind, field), !Self.isZero(value) { object[name] = value }
            }
        }
        var result = JSONObject()
        for name in order {
            if let list = lists[name] { result[name] = .array(list) }
            else if let map = maps[name] { result[name] = .object(map) }
            else if let value = object[name] { result[name] = value }
        }
        return .object(result)
    }

    static func isZero(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let text): return text.isEmpty
        case .int(let number): return number == 0
        case .bool(let flag): return !flag
        default: return false
        }
    }

    static func value(_ kind: ProtobufKind, _ field: ProtobufWire.Field) -> JSONValue? {
        switch kind {
        case .string: return field.isBytes ? .string(String(decoding: field.bytes, as: UTF8.self)) : nil
        case .bytes: return field.isBytes ? .string(Base64.encode(field.bytes)) : nil
        case .bool: return field.isBytes ? nil : .bool(field.varint != 0)
        case .int: return field.isBytes ? nil : .int(Int64(bitPattern: field.varint))
        case .message(let schema): return field.isBytes ? schema.decode(field.bytes) : nil
        case .repeated(let element): return value(element, field)
        case .map, .inline: return nil
        case .quantity:
            return field.isBytes ? ProtobufWire.fields(field.bytes).first { $0.number == 1 }.map { .string(String(decoding: $0.bytes, as: UTF8.self)) } : nil
        case .intOrString:
            guard field.isBytes else { return nil }
            let parts = ProtobufWire.fields(field.bytes)
            let isString = parts.first { $0.number == 1 }?.varint == 1
            if isString { return .string(parts.first { $0.number == 3 }.map { String(decoding: $0.bytes, as: UTF8.self) } ?? "") }
            return .int(Int64(Int32(truncatingIfNeeded: parts.first { $0.number == 2 }?.varint ?? 0)))
        }
    }
}
