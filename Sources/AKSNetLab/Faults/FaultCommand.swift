import ArgumentParser
import Foundation
import KubeModel

/// `kubectl-aksnet-lab fault --dir DIR set|clear|list …`: the running lab's faults, changed at
/// once: the API server re-reads DIR/faults.json on the next request, and the daemon applies or
/// reverts the dataplane faults in it within a fraction of a second.
struct FaultCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fault",
        abstract: "Show or change the running lab's API and dataplane faults.",
        discussion: """
            set FAULT...    api-5xx=SHARE[:CODE]  api-429=SHARE[:RETRY_AFTER]  api-latency=DURATION
                            token-expire=DURATION|now  stream-drop=BYTES|DURATION
                            pleg-lag=DURATION (the kubelet reports a started container that late)
                            missing-route[:NODE]  ip-forward-off[:NODE]  no-masquerade[:NODE]
                            mtu-mismatch[:NODE[:MTU]]  policy-drop:POD  conntrack-full[:NODE]
            clear [NAME...] removes the named faults (all without names); a dataplane scenario name
                            clears it on every node, a whole spec (missing-route:node2) just that one
            list            prints the faults in force, one a line
            """)

    @Option(help: "The lab directory.") var dir: String
    @Argument(help: "set, clear or list.") var action: String
    @Argument(help: "Faults (set) or fault names (clear).") var items: [String] = []

    func validate() throws {
        guard ["set", "clear", "list"].contains(action) else { throw ValidationError("the action must be set, clear or list") }
        if action == "set" {
            guard !items.isEmpty else { throw ValidationError("set needs at least one fault, e.g. api-5xx=0.2") }
            var scratch = APIFaults()
            for item in items {
                if APIFaults.isDataplaneSpec(item) {
                    do { _ = try LabFault.parse(item, defaultNode: "node1") } catch { throw ValidationError("\(error)") }
                    continue
                }
                guard APIFaults.isAPISpec(item) else {
                    throw ValidationError("\"\(item)\" is not a fault (\((APIFaults.names + LabFault.scenarios).joined(separator: ", ")))")
                }
                do { try scratch.apply(item) } catch { throw ValidationError("\(error)") }
            }
        }
        if action == "clear" {
            for item in items where !APIFaults.names.contains(item) && !APIFaults.isDataplaneSpec(item) {
                throw ValidationError("unknown fault \"\(item)\" (one of \((APIFaults.names + LabFault.scenarios).joined(separator: ", ")))")
            }
        }
        if action == "list", !items.isEmpty { throw ValidationError("list takes no arguments") }
    }

    func run() throws {
        let directory = LabDirectory(dir)
        guard directory.runningPID != nil else {
            throw LabError("no lab is running in \(directory.path); start one with `kubectl-aksnet-lab up --dir \(dir)`")
        }
        let faults: APIFaults
        switch action {
        case "set":
            let now = Date().timeIntervalSince1970
            faults = try FaultFile.update(directory) { faults in
                for item in items {
                    if APIFaults.isDataplaneSpec(item) { faults.add(dataplane: item) } else { try faults.apply(item, now: now) }
                }
            }
        case "clear":
            faults = try FaultFile.update(directory) { faults in
                if items.isEmpty { faults = APIFaults() }
                for item in items {
                    if APIFaults.isDataplaneSpec(item) {
                        guard faults.clear(dataplane: item) else { throw LabError("\(item) is not in force") }
                    } else {
                        try faults.clear(item)
                    }
                }
            }
        default:
            faults = try FaultFile.read(directory)
        }
        let lines = faults.describe()
        StandardStreams.writeOutput(lines.isEmpty ? "no faults\n" : lines.joined(separator: "\n") + "\n")
    }
}
