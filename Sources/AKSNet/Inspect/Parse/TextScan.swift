/// Small string helpers for the parsers (AKSNet does not import Foundation).
enum TextScan {
    static func isSpace(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\r" || c == "\n" }

    static func trimmed<S: StringProtocol>(_ text: S) -> String {
        var slice = Substring(text)
        while let first = slice.first, isSpace(first) { slice.removeFirst() }
        while let last = slice.last, isSpace(last) { slice.removeLast() }
        return String(slice)
    }

    /// Trimmed, without one pair of surrounding quotes.
    static func unquoted<S: StringProtocol>(_ text: S) -> String {
        let value = trimmed(text)
        if value.count >= 2, let first = value.first, first == value.last, first == "\"" || first == "'" {
            return String(value.dropFirst().dropLast())
        }
        return value
    }

    /// Lines without their terminators, 1-based numbers kept by position (`lines[i]` is line i+1).
    static func lines(_ text: String) -> [Substring] {
        var result = text.split(separator: "\n", omittingEmptySubsequences: false)
        if result.last?.isEmpty == true { result.removeLast() }
        return result.map { $0.last == "\r" ? $0.dropLast() : $0 }
    }

    /// Whitespace-separated fields.
    static func fields<S: StringProtocol>(_ line: S) -> [Substring] {
        Substring(line).split(whereSeparator: { $0 == " " || $0 == "\t" })
    }
}

/// A line of collected output with its 1-based number.
public struct NumberedLine: Sendable, Equatable {
    public var line: Int
    public var text: String

    public init(line: Int, text: String) {
        self.line = line
        self.text = text
    }
}
