import KubeModel

/// `labelSelector=` as the API server parses it: `a=b`, `a==b`, `a!=b`, `a`, `!a`,
/// `a in (x,y)`, `a notin (x,y)`, joined by commas.
public struct LabelSelector: Sendable, Equatable {
    enum Requirement: Sendable, Equatable {
        case equals(String, String), notEquals(String, String), exists(String), notExists(String)
        case isIn(String, [String]), notIn(String, [String])
    }

    var requirements: [Requirement] = []

    public init(parsing text: String) throws {
        for part in Self.splitTopLevel(text) {
            let term = part.trimmed
            if term.isEmpty { continue }
            requirements.append(try Self.requirement(term))
        }
    }

    public var isEmpty: Bool { requirements.isEmpty }

    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case .equals(let key, let value): return labels[key] == value
            case .notEquals(let key, let value): return labels[key] != value
            case .exists(let key): return labels[key] != nil
            case .notExists(let key): return labels[key] == nil
            case .isIn(let key, let values): return labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): return !(labels[key].map(values.contains) ?? false)
            }
        }
    }

    static func splitTopLevel(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if character == ",", depth == 0 { parts.append(current); current = ""; continue }
            current.append(character)
        }
        parts.append(current)
        return parts
    }

    static func requirement(_ term: String) throws -> Requirement {
        if term.hasPrefix("!") { return .notExists(String(term.dropFirst()).trimmed) }
        for (op, make) in [("!=", Requirement.notEquals), ("==", Requirement.equals), ("=", Requirement.equals)] {
            if let range = term.range(of: op) {
                return make(String(term[..<range.lowerBound]).trimmed, String(term[range.upperBound...]).trimmed)
            }
        }
        let words = term.split(separator: " ", maxSplits: 1).map(String.init)
        if words.count == 2, let open = words[1].firstIndex(of: "("), let close = words[1].lastIndex(of: ")") {
            let op = words[1][..<open].trimmed
            let values = words[1][words[1].index(after: open)..<close].split(separator: ",").map { String($0).trimmed }
            if op == "in" { return .isIn(words[0], values) }
            if op == "notin" { return .notIn(words[0], values) }
        }
        guard !term.contains(" "), !term.contains("(") else {
            throw APIError.badRequest("unable to parse requirement: found '\(term)', expected: '=', '!=', '==', 'in', notin'")
        }
        return .exists(term)
    }
}

/// `fieldSelector=`: `path=value`, `path==value`, `path!=value`, where the path is dotted into the object.
public struct FieldSelector: Sendable, Equatable {
    var requirements: [(path: [String], value: String, equal: Bool)] = []

    public init(parsing text: String) throws {
        for part in text.split(separator: ",") {
            let term = String(part).trimmed
            if term.isEmpty { continue }
            var equal = true
            var pieces: [String]
            if let r = term.range(of: "!=") {
                equal = false
                pieces = [String(term[..<r.lowerBound]), String(term[r.upperBound...])]
            } else if let r = term.range(of: "==") {
                pieces = [String(term[..<r.lowerBound]), String(term[r.upperBound...])]
            } else if let r = term.range(of: "=") {
                pieces = [String(term[..<r.lowerBound]), String(term[r.upperBound...])]
            } else {
                throw APIError.badRequest("invalid selector: '\(text)'; can't understand '\(term)'")
            }
            requirements.append((pieces[0].trimmed.split(separator: ".").map(String.init), pieces[1].trimmed, equal))
        }
    }

    public var isEmpty: Bool { requirements.isEmpty }

    public func matches(_ object: JSONValue) -> Bool {
        requirements.allSatisfy { requirement in
            let actual: String
            switch object.value(at: requirement.path) {
            case .string(let s): actual = s
            case .int(let i): actual = String(i)
            case .bool(let b): actual = b ? "true" : "false"
            default: actual = ""
            }
            return (actual == requirement.value) == requirement.equal
        }
    }

    public static func == (lhs: FieldSelector, rhs: FieldSelector) -> Bool {
        lhs.requirements.count == rhs.requirements.count
            && zip(lhs.requirements, rhs.requirements).allSatisfy { $0.path == $1.path && $0.value == $1.value && $0.equal == $1.equal }
    }
}
