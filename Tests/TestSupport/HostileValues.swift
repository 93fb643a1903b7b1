/// Values a flag must refuse (or take) without trapping, and the mutations the argv fuzz
/// applies to them. Shared by the plugin's and the lab's flag tests.
public enum HostileValues {
    /// The list (inf, nan, -0, 1e400, 2^63, empty, a unit alone, non-ASCII digits,
    /// whitespace) and the values that trapped before (1e30, 99999999999999999999h, 99999999999999G).
    public static let all: [String] = [
        "inf", "-inf", "nan", "NaN", "-0", "-1", "1e400", "1e30", "9223372036854775808", "18446744073709551616",
        "99999999999999999999h", "99999999999999G", "99999999999999Gi", "", "s", "h", "ms", "G", "Ki", ".", "..s",
        "٣", "٣s", "５", "５s", "½", "½s", " 5", "5 ", "5 s", "\t5s", "5s\n", "0x10", "+5", "5e", "1.5.5s",
        String(repeating: "9", count: 400), String(repeating: "9", count: 400) + "s",
    ]

    /// Characters the mutations insert: digits of other scripts, signs, units, spaces and controls.
    static let insertions: [String] = [
        "0", "1", "9", ".", "-", "+", "e", "E", "s", "m", "h", "ms", "k", "K", "M", "G", "Gi", ":", "=", ",", " ", "\t", "\n",
        "\u{0}", "\u{1B}[31m", "٣", "５", "½", "µs", "é", "inf", "nan", "99999999999999999999", "--", "-v", "/",
    ]

    /// One random mutation of `value`: insert, delete, repeat, replace with digits, or join two values.
    public static func mutate<G: RandomNumberGenerator>(_ value: String, using rng: inout G) -> String {
        var chars = Array(value)
        switch Int.random(in: 0..<6, using: &rng) {
        case 0:
            let piece = Array(insertions.randomElement(using: &rng) ?? "")
            chars.insert(contentsOf: piece, at: Int.random(in: 0...chars.count, using: &rng))
        case 1:
            if !chars.isEmpty { chars.remove(at: Int.random(in: 0..<chars.count, using: &rng)) }
        case 2:
            chars += chars
        case 3:
            let length = Int.random(in: 1...60, using: &rng)
            chars = (0..<length).map { _ in Character(String(Int.random(in: 0...9, using: &rng))) }
            chars += Array(["", "s", "h", "G", "ms", "Mi"].randomElement(using: &rng) ?? "")
        case 4:
            chars += Array(all.randomElement(using: &rng) ?? "")
        default:
            chars = Array((all.randomElement(using: &rng) ?? "") + (insertions.randomElement(using: &rng) ?? ""))
        }
        return String(chars)
    }
}
