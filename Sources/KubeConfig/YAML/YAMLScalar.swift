import KubeModel

/// YAML 1.1 scalar resolution, as go-yaml v2 (under sigs.k8s.io/yaml, under kubectl) does it.
enum YAMLScalar {
    static let nulls: Set<String> = ["", "~", "null", "Null", "NULL"]
    static let trues: Set<String> = ["y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"]
    static let falses: Set<String> = ["n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"]

    static func resolve(_ text: String, plain: Bool, tag: String?) -> Result<JSONValue, YAMLError> {
        if let tag {
            switch tag {
            case "tag:yaml.org,2002:str", "!!str", "!": return .success(.string(text))
            case "tag:yaml.org,2002:null": return .success(.null)
            case "tag:yaml.org,2002:bool":
                if trues.contains(text) { return .success(.bool(true)) }
                if falses.contains(text) { return .success(.bool(false)) }
                return .failure(YAMLError(line: 0, column: 0, reason: "cannot decode !!str `\(text)` as a !!bool"))
            case "tag:yaml.org,2002:int", "tag:yaml.org,2002:float":
                let v = implicit(text)
                switch v {
                case .int, .double: return .success(v)
                default: return .failure(YAMLError(line: 0, column: 0, reason: "cannot decode !!str `\(text)` as a number"))
                }
            case "tag:yaml.org,2002:binary": return .success(.string(text))
            default: return .success(plain ? implicit(text) : .string(text))
            }
        }
        return .success(plain ? implicit(text) : .string(text))
    }

    static func implicit(_ text: String) -> JSONValue {
        if nulls.contains(text) { return .null }
        if trues.contains(text) { return .bool(true) }
        if falses.contains(text) { return .bool(false) }
        if let first = text.first, first.isNumber || first == "-" || first == "+" || first == "." {
            if let i = integer(text) { return .int(i) }
            if let d = float(text) { return .double(d) }
        }
        return .string(text)
    }

    static func integer(_ raw: String) -> Int64? {
        var text = String(raw.filter { $0 != "_" })
        var negative = false
        if text.hasPrefix("-") { negative = true; text.removeFirst() } else if text.hasPrefix("+") { text.removeFirst() }
        guard !text.isEmpty else { return nil }
        let value: Int64?
        if text.hasPrefix("0b") { value = Int64(text.dropFirst(2), radix: 2) }
        else if text.hasPrefix("0x") { value = Int64(text.dropFirst(2), radix: 16) }
        else if text.hasPrefix("0o") { value = Int64(text.dropFirst(2), radix: 8) }
        else if text.count > 1, text.hasPrefix("0") { value = Int64(text.dropFirst(), radix: 8) }
        else if text.allSatisfy({ $0.isASCII && $0.isNumber }) { value = Int64(text) }
        else { value = nil }
        guard let value else { return nil }
        return negative ? -value : value
    }

    static func float(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
        let cleaned = String(text.filter { $0 != "_" })
        var chars = Substring(cleaned)
        if chars.first == "-" || chars.first == "+" { chars = chars.dropFirst() }
        var mantissa = chars
        var exponent: Substring = ""
        if let e = chars.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = chars[..<e]
            exponent = chars[chars.index(after: e)...]
            if exponent.first == "-" || exponent.first == "+" { exponent = exponent.dropFirst() }
            guard !exponent.isEmpty, exponent.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, !mantissa.isEmpty, mantissa != "." else { return nil }
        guard parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
        if parts.count == 2, parts[0].isEmpty, parts[1].isEmpty { return nil }
        return Double(cleaned)
    }
}
