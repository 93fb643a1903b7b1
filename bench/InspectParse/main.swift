// bench/inspect-parse's measured program: reads an `iptables-save -c` dump, parses it with the
// inspect parser `ROUNDS` times and prints `rules=N tables=T parse_s=S` (best round) on stdout.
import AKSNet
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 2, let data = FileManager.default.contents(atPath: arguments[1]) else {
    FileHandle.standardError.write("usage: inspect-parse-bench FILE [ROUNDS]\n".data(using: .utf8) ?? Data())
    exit(1)
}
let rounds = arguments.count > 2 ? max(1, Int(arguments[2]) ?? 1) : 1
let text = String(decoding: data, as: UTF8.self)
var best = Double.infinity
var rules = 0
var tables = 0
for _ in 0..<rounds {
    let start = DispatchTime.now().uptimeNanoseconds
    let dump = IptablesSaveParser.parse(text)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    best = min(best, seconds)
    rules = dump.ruleCount
    tables = dump.tables.count
}
print("rules=\(rules) tables=\(tables) parse_s=\(String(format: "%.4f", best))")
