/// Escaping for GitHub-flavoured Markdown: text from the cluster must neither break a table
/// (`|`, line breaks) nor turn into markup or raw HTML (`<`, `*`, `[`…).
public enum MarkdownText {
    static let escaped: Set<Character> = ["\\", "|", "*", "_", "`", "[", "]", "<", ">", "#", "~", "&"]

    /// Inline text (a paragraph or a table cell): punctuation backslash-escaped, line breaks as spaces.
    public static func inline(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.count)
        for character in value {
            if character == "\n" || character == "\r" || character == "\r\n" {
                out.append(" ")
            } else {
                if escaped.contains(character) { out.append("\\") }
                out.append(character)
            }
        }
        return out
    }

    /// A code span: backticks around, as many as needed; a `|` escaped so a table keeps its cells
    /// (GFM unescapes `\|` inside code spans in tables). Line breaks become spaces.
    public static func code(_ value: String, inTable: Bool = true) -> String {
        var content = value.replacingLineBreaks()
        if inTable { content = content.replacingPipes() }
        let run = longestRun(of: "`", in: content)
        let fence = String(repeating: "`", count: run + 1)
        let pad = content.hasPrefix("`") || content.hasSuffix("`") || content.isEmpty ? " " : ""
        return fence + pad + content + pad + fence
    }

    /// A fenced block whose fence is longer than any backtick run in the content.
    public static func fenced(_ lines: [String], info: String = "text") -> String {
        let run = lines.map { longestRun(of: "`", in: $0) }.max() ?? 0
        let fence = String(repeating: "`", count: max(3, run + 1))
        return fence + info + "\n" + lines.joined(separator: "\n") + "\n" + fence + "\n"
    }

    /// A GFM table (every cell already escaped by the caller).
    public static func table(_ header: [String], _ rows: [[String]]) -> String {
        var out = "| " + header.joined(separator: " | ") + " |\n"
        out += "|" + header.map { _ in " --- |" }.joined() + "\n"
        for row in rows { out += "| " + row.map { $0.isEmpty ? " " : $0 }.joined(separator: " | ") + " |\n" }
        return out
    }

    static func longestRun(of mark: Character, in text: String) -> Int {
        var longest = 0, current = 0
        for character in text {
            current = character == mark ? current + 1 : 0
            longest = max(longest, current)
        }
        return longest
    }
}

extension String {
    fileprivate func replacingLineBreaks() -> String {
        String(map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
    }

    fileprivate func replacingPipes() -> String {
        var out = ""
        for character in self {
            if character == "|" { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
