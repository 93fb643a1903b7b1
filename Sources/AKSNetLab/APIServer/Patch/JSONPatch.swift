import Foundation
import KubeModel

/// RFC 6902 operations over JSONValue (JSON pointers per RFC 6901).
enum JSONPatch {
    static func apply(_ patch: JSONValue, to document: JSONValue) throws -> JSONValue {
        guard let operations = patch.arrayValue else {
            throw APIError.badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
        }
        var doc = document
        for operation in operations {
            let op = operation["op"]?.stringValue ?? ""
            let path = try pointer(operation["path"]?.stringValue)
            switch op {
            case "add": doc = try write(doc, path, operation["value"] ?? .null, insert: true)
            case "replace":
                _ = try read(doc, path)
                doc = try write(doc, path, operation["value"] ?? .null, insert: false)
            case "remove": doc = try remove(doc, path)
            case "test":
                guard try read(doc, path).sameJSON(as: operation["value"] ?? .null) else {
                    throw APIError.make(422, "Invalid", "the server rejected our request due to an error in our request")
                }
            case "move", "copy":
                let from = try pointer(operation["from"]?.stringValue)
                let value = try read(doc, from)
                if op == "move" { doc = try remove(doc, from) }
                doc = try write(doc, path, value, insert: true)
            default:
                throw APIError.badRequest("Unexpected kind: \(op)")
            }
        }
        return doc
    }

    static func pointer(_ text: String?) throws -> [String] {
        guard let text, text.isEmpty || text.hasPrefix("/") else { throw APIError.badRequest("invalid JSON pointer \(text ?? "")") }
        if text.isEmpty { return [] }
        return text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    static func read(_ doc: JSONValue, _ path: [String]) throws -> JSONValue {
        var current = doc
        for token in path {
            switch current {
            case .object(let object):
                guard let next = object[token] else { throw missing(path) }
                current = next
            case .array(let items):
                guard let index = Int(token), items.indices.contains(index) else { throw missing(path) }
                current = items[index]
            default: throw missing(path)
            }
        }
        return current
    }

    static func write(_ doc: JSONValue, _ path: [String], _ value: JSONValue, insert: Bool) throws -> JSONValue {
        guard let token = path.first else { return value }
        let rest = Array(path.dropFirst())
        switch doc {
        case .object(var object):
            if rest.isEmpty { object[token] = value } else {
                guard let child = object[token] else { throw missing(path) }
                object[token] = try write(child, rest, value, insert: insert)
            }
            return .object(object)
        case .array(var items):
            if rest.isEmpty {
                if token == "-" { items.append(value); return .array(items) }
                guard let index = Int(token), index >= 0, index <= items.count else { throw missing(path) }
                if insert { items.insert(value, at: index) } else {
                    guard index < items.count else { throw missing(path) }
                    items[index] = value
                }
                return .array(items)
            }
            guard let index = Int(token), items.indices.contains(index) else { throw missing(path) }
            items[index] = try write(items[index], rest, value, insert: insert)
            return .array(items)
        default: throw missing(path)
        }
    }

    static func remove(_ doc: JSONValue, _ path: [String]) throws -> JSONValue {
        guard let token = path.first else { return .null }
        let rest = Array(path.dropFirst())
        switch doc {
        case .object(var object):
            guard let child = object[token] else { throw missing(path) }
            object[token] = rest.isEmpty ? nil : try remove(child, rest)
            return .object(object)
        case .array(var items):
            guard let index = Int(token), items.indices.contains(index) else { throw missing(path) }
            if rest.isEmpty { items.remove(at: index) } else { items[index] = try remove(items[index], rest) }
            return .array(items)
        default: throw missing(path)
        }
    }

    static func missing(_ path: [String]) -> APIError {
        APIError.make(422, "Invalid", "the server rejected our request due to an error in our request")
    }
}
