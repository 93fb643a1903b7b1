import CYAML
import KubeModel

/// A YAML problem with the position libyaml reports.
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public let reason: String
    public var description: String {
        line > 0 ? "yaml: line \(line), column \(column): \(reason)" : "yaml: \(reason)"
    }
}

/// Reads YAML (through libyaml) into JSON values with the rules kubectl's
/// loader applies: YAML 1.1 plain scalars (`yes`, `on`, `y` are booleans,
/// `0x1F` an integer), anchors and aliases, `<<` merge keys, and only the
/// first document of a stream.
public enum YAMLReader {
    /// Stops alias bombs ("billion laughs"): the size a document may expand to.
    public static let maxNodes = 2_000_000
    /// Nesting bound: deeper documents are refused rather than risk the stack.
    public static let maxDepth = 512

    public static func read(_ text: String) throws(YAMLError) -> JSONValue {
        try read(bytes: Array(text.utf8))
    }

    public static func read(bytes: [UInt8]) throws(YAMLError) -> JSONValue {
        var builder = YAMLTreeBuilder()
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) != 0 else { throw YAMLError(line: 0, column: 0, reason: "out of memory") }
        defer { yaml_parser_delete(&parser) }
        return try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLError) -> JSONValue in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) != 0 else {
                    let problem = parser.problem.map { String(cString: $0) } ?? "syntax error"
                    let context = parser.context.map { String(cString: $0) + " " } ?? ""
                    throw YAMLError(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1,
                                    reason: context + problem)
                }
                defer { yaml_event_delete(&event) }
                let done = try builder.consume(&event)
                if done { return builder.result ?? .null }
            }
        }
    }
}

/// Builds one document from parser events; a small state machine.
struct YAMLTreeBuilder {
    enum Frame {
        case sequence(anchor: String?, items: [JSONValue])
        case mapping(anchor: String?, object: JSONObject, pendingKey: String?, mergeKeyPending: Bool)
    }

    var stack: [Frame] = []
    /// The expanded size (aliases counted in full) of each open collection.
    var sizes: [Int] = []
    var anchors: [String: (value: JSONValue, size: Int)] = [:]
    var result: JSONValue?
    var nodes = 0
    var documentsSeen = 0

    /// Returns true when the first document is complete (later ones are ignored, as kubectl does).
    mutating func consume(_ event: inout yaml_event_t) throws(YAMLError) -> Bool {
        let mark = event.start_mark
        func fail(_ reason: String) -> YAMLError {
            YAMLError(line: Int(mark.line) + 1, column: Int(mark.column) + 1, reason: reason)
        }
        switch event.type {
        case YAML_STREAM_END_EVENT:
            return true
        case YAML_DOCUMENT_START_EVENT:
            documentsSeen += 1
            return false
        case YAML_DOCUMENT_END_EVENT:
            return true
        case YAML_ALIAS_EVENT:
            let name = event.data.alias.anchor.map { String(cString: $0) } ?? ""
            guard let target = anchors[name] else { throw fail("unknown anchor '\(name)' referenced") }
            nodes += target.size
            guard nodes <= YAMLReader.maxNodes else { throw fail("document expands to too many nodes (alias bomb?)") }
            try add(target.value, anchor: nil, size: target.size, isMergeKey: false, fail: fail)
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = scalar.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self) } ?? ""
            let tag = scalar.tag.map { String(cString: $0) }
            let anchor = scalar.anchor.map { String(cString: $0) }
            let plain = scalar.style == YAML_PLAIN_SCALAR_STYLE
            nodes += 1
            guard nodes <= YAMLReader.maxNodes else { throw fail("document too large") }
            let value = try YAMLScalar.resolve(text, plain: plain, tag: tag).get()
            let isMergeKey = plain && tag == nil && text == "<<"
            try add(value, anchor: anchor, size: 1, isMergeKey: isMergeKey, fail: fail)
        case YAML_SEQUENCE_START_EVENT:
            guard stack.count < YAMLReader.maxDepth else { throw fail("document nested deeper than \(YAMLReader.maxDepth) levels") }
            let anchor = event.data.sequence_start.anchor.map { String(cString: $0) }
            stack.append(.sequence(anchor: anchor, items: []))
            sizes.append(1)
        case YAML_MAPPING_START_EVENT:
            guard stack.count < YAMLReader.maxDepth else { throw fail("document nested deeper than \(YAMLReader.maxDepth) levels") }
            let anchor = event.data.mapping_start.anchor.map { String(cString: $0) }
            stack.append(.mapping(anchor: anchor, object: JSONObject(), pendingKey: nil, mergeKeyPending: false))
            sizes.append(1)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast(), let size = sizes.popLast() else { throw fail("unbalanced collection end") }
            nodes += 1
            switch frame {
            case .sequence(let anchor, let items):
                try add(.array(items), anchor: anchor, size: size, isMergeKey: false, fail: fail)
            case .mapping(let anchor, let object, _, _):
                try add(.object(object), anchor: anchor, size: size, isMergeKey: false, fail: fail)
            }
        default:
            break
        }
        return false
    }

    private mutating func add(_ value: JSONValue, anchor: String?, size: Int, isMergeKey: Bool,
                              fail: (String) -> YAMLError) throws(YAMLError) {
        if let anchor { anchors[anchor] = (value, size) }
        if !sizes.isEmpty { sizes[sizes.count - 1] += size }
        guard let top = stack.popLast() else {
            if result == nil { result = value }
            return
        }
        switch top {
        case .sequence(let a, var items):
            items.append(value)
            stack.append(.sequence(anchor: a, items: items))
        case .mapping(let a, var object, let pendingKey, let mergePending):
            if mergePending {
                // `<<: *base` or `<<: [*a, *b]`: keys already present win.
                let sources: [JSONValue] = value.arrayValue ?? [value]
                for source in sources {
                    guard let merged = source.objectValue else { throw fail("map merge requires map or sequence of maps as the value") }
                    for (k, v) in merged where object[k] == nil { object[k] = v }
                }
                stack.append(.mapping(anchor: a, object: object, pendingKey: nil, mergeKeyPending: false))
            } else if let key = pendingKey {
                object[key] = value  // a repeated key: the last value wins, as go-yaml v2 does
                stack.append(.mapping(anchor: a, object: object, pendingKey: nil, mergeKeyPending: false))
            } else if isMergeKey {
                stack.append(.mapping(anchor: a, object: object, pendingKey: nil, mergeKeyPending: true))
            } else {
                // Non-string keys become strings, as sigs.k8s.io/yaml does when it converts to JSON.
                let key: String
                switch value {
                case .string(let s): key = s
                case .int(let i): key = String(i)
                case .double(let d): key = String(d)
                case .bool(let b): key = b ? "true" : "false"
                case .null: key = "null"
                case .array, .object: throw fail("unsupported map key of type \(value.typeName)")
                }
                stack.append(.mapping(anchor: a, object: object, pendingKey: key, mergeKeyPending: false))
            }
        }
    }
}
