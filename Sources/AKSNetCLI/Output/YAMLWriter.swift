import KubeModel

/// Renders JSON values as block YAML, the way `kubectl -o yaml` reads: two
/// spaces, `- ` items, strings quoted only when YAML 1.1 would misread them.
public enum YAMLWriter {
    public static func render(_ value: JSONValue) -> String {
        var out = ""
        write(value, indent: 0, into: &out, inline: false)
        if !out.hasSuffix("\n") { out += "\n" }
        return out
    }

    private static func write(_ value: JSONValue, indent: Int, into out: inout String, inline: Bool) {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .object(let object) where object.count > 0:
            var first = true
            for (key, item) in object {
                out += (first && inline) ? "" : pad
                first = false
                out += scalar(.string(key)) + ":"
                writeChild(item, indent: indent, into: &out)
            }
        case .array(let items) where !items.isEmpty:
            var first = true
            for item in items {
                out += (first && inline) ? "" : pad
                first = false
                out += "- "
                switch item {
                case .object(let o) where o.count > 0: write(item, indent: indent + 2, into: &out, inline: true)
                case .array(let a) where !a.isEmpty: write(item, indent: indent + 2, into: &out, inline: true)
                default: out += scalar(item) + "\n"
                }
            }
        default:
            out += scalar(value) + "\n"
        }
    }

    private static func writeChild(_ item: JSONValue, indent: Int, into out: inout String) {
        switch item {
        case .object(let o) where o.count > 0:
            out += "\n"
            write(item, indent: indent + 2, into: &out, inline: false)
        case .array(let a) where !a.isEmpty:
            out += "\n"
            write(item, indent: indent, into: &out, inline: false)
        default:
            out += " " + scalar(item) + "\n"
        }
    }

    static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int, .double: return value.serialized()
        case .object: return "{}"
        case .array: return "[]"
        case .string(let s): return needsQuotes(s) ? value.serialized() : s
        }
    }

    static func needsQuotes(_ s: String) -> Bool {
        if s.isEmpty { return true }
        if YAMLLikeScalar.isSpecial(s) { return true }
        if s.first == " " || s.last == " " { return true }
        let specialFirst: Set<Character> = ["-", "?", ":", ",", "[", "]", "{", "}", "#", "&", "*", "!", "|", ">", "'", "\"", "%", "@", "`"]
        if let first = s.first, specialFirst.contains(first) { return true }
        if s.contains(": ") || s.contains(" #") || s.hasSuffix(":") { return true }
        return s.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{7F}" }
    }
}

/// Plain words YAML 1.1 would read as something other than a string.
enum YAMLLikeScalar {
    static let words: Set<String> = ["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE",
                                     "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null",
                                     "NULL", "~", ".inf", ".nan", "-.inf", ".Inf", ".NaN"]

    static func isSpecial(_ s: String) -> Bool {
        if words.contains(s) { return true }
        guard let first = s.first, first.isNumber || first == "+" || first == "-" || first == "." else { return false }
        return Double(s) != nil || Int(s) != nil || s.hasPrefix("0x") || s.hasPrefix("0o")
            || s.allSatisfy { $0.isNumber || $0 == ":" || $0 == "." || $0 == "_" || $0 == "-" }
    }
}
