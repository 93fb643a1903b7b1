/// A usage error as one line on stderr (`error: …`, as kubectl writes them): argument-parser's
/// full message adds the usage text, and a hostile flag value echoed back may carry newlines
/// or terminal escapes of its own.
public enum UsageLine {
    public static func render(_ message: String) -> String {
        var flat = String.UnicodeScalarView()
        for scalar in message.unicodeScalars {
            flat.append(scalar.properties.generalCategory == .control ? " " : scalar)
        }
        let words = String(flat).split(separator: " ", omittingEmptySubsequences: true)
        return "error: " + words.joined(separator: " ")
    }
}
