// bench/inspect-parse's measured program: reads an `iptables-save -c` dump, parses it with the
// inspect parser `ROUNDS` times (best round), then analyses a one-node evidence holding it (all
// checks, facts, data path and the JSON report once) and prints `rules=N … parse_s=S analyze_s=A`.
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
// The whole analysis of one node holding that dump (every check, facts, data path, JSON).
let evidence = ClusterEvidence(collectedAt: "bench", nodes: [NodeEvidence(node: "node", collected: true, runs: [
    CommandRun(id: CollectorCommands.iptablesSave, argv: ["iptables-save", "-c"], exitCode: 0, durationMs: 0, output: text),
])])
let analyzeStart = DispatchTime.now().uptimeNanoseconds
let report = InspectAnalyzer.analyze(evidence)
let json = InspectRenderer.render(report, format: .json, color: false)
let analyzeSeconds = Double(DispatchTime.now().uptimeNanoseconds - analyzeStart) / 1e9
print("rules=\(rules) tables=\(tables) parse_s=\(String(format: "%.4f", best)) analyze_s=\(String(format: "%.4f", analyzeSeconds)) findings=\(report.findings.count) json_bytes=\(json.utf8.count)")
