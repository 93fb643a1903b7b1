/// Escaping for text that came from the cluster (node names, labels, evidence lines, file
/// contents): any of it may hold `<`, `&` or quotes, and none of it may become markup.
public enum HTMLEscape {
    /// For element content and for attribute values in double or single quotes.
    public static func text(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            // C0 controls other than tab/newline are not allowed in HTML or XML (the SVG is XML).
            case "\u{0}"..."\u{8}", "\u{B}", "\u{C}", "\u{E}"..."\u{1F}", "\u{7F}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A string cut to `limit` characters with an ellipsis, for fixed-width boxes (the full text
    /// goes in a tooltip).
    public static func clipped(_ value: String, to limit: Int) -> String {
        guard value.count > limit, limit > 1 else { return value }
        return String(value.prefix(limit - 1)) + "…"
    }

    /// Cut in the middle, keeping both ends: node names differ at their end
    /// (`aks-nodepool1-12345678-vmss000002` → `aks-nodepool1-1…-vmss000002`).
    public static func clippedMiddle(_ value: String, to limit: Int) -> String {
        guard value.count > limit, limit > 4 else { return value }
        let tail = (limit - 1) / 2 + 2
        return String(value.prefix(limit - 1 - tail)) + "…" + String(value.suffix(tail))
    }
}
