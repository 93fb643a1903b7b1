extension StringProtocol {
    /// The string without leading and trailing spaces, tabs and newlines.
    public var trimmed: String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }  // also "\r\n", a single Character
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
