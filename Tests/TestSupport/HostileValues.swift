import Foundation

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

extension HostileValues {
    /// One flag against every hostile value: `parse` gives nil when the argv is taken, else the
    /// exit code and stderr. Returns the table lines (`NAME VALUE -> taken | exit N: line`) and
    /// what went wrong: a value in `accepts` refused, another one taken, or a refusal that is not
    /// exit 2 with one `error: …` line.
    /// An outcome as the tables show it: `taken` or `exit N: line`.
    public static func outcome(_ finished: (code: Int32, stderr: String)?) -> String {
        finished.map { "exit \($0.code): \($0.stderr.trimmingCharacters(in: .newlines))" } ?? "taken"
    }

    public static func walk(flag name: String, accepts: Set<String>, argv: (String) -> [String],
                            parse: ([String]) -> (code: Int32, stderr: String)?) -> (table: [String], problems: [String]) {
        var table: [String] = []
        var problems: [String] = []
        for value in all {
            let args = argv(value)
            let finished = parse(args)
            table.append("\(name) \(value.debugDescription) -> \(outcome(finished))")
            if accepts.contains(value) {
                if let finished { problems.append("\(name) \(value.debugDescription) should be taken: \(finished)") }
                continue
            }
            guard let finished else {
                problems.append("\(name) \(value.debugDescription) was taken")
                continue
            }
            if finished.code != 2 { problems.append("\(args): exit \(finished.code)") }
            if !finished.stderr.hasPrefix("error: ") || finished.stderr.filter({ $0 == "\n" }).count != 1 {
                problems.append("\(args): not one error line: \(finished.stderr.debugDescription)")
            }
        }
        return (table, problems)
    }
}
