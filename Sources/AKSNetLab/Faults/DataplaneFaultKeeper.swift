import Foundation

/// Keeps the dataplane faults of DIR/faults.json applied in the running lab: every quarter of a
/// second it reads the file (when it changed) and applies what is new, reverts what went away.
/// A spec that cannot apply (unknown node or pod) is logged once and tried again each tick.
final class DataplaneFaultKeeper: @unchecked Sendable {
    private let directory: LabDirectory
    private let network: LabNetwork
    private let queue = DispatchQueue(label: "aksnet.lab.dataplane-faults")
    private var timer: DispatchSourceTimer?
    private var lastModified: Date?
    private var reported: Set<String> = []

    init(directory: LabDirectory, network: LabNetwork) {
        self.directory = directory
        self.network = network
    }

    func start() {
        queue.sync {
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now(), repeating: .milliseconds(250))
            timer.setEventHandler { [weak self] in self?.tick() }
            timer.resume()
            self.timer = timer
        }
    }

    func stop() {
        queue.sync {
            timer?.cancel()
            timer = nil
        }
    }

    private func tick() {
        let path = FaultSwitch.file(in: directory.path)
        let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        guard modified != lastModified || modified == nil else { return }
        guard let faults = try? FaultFile.read(directory) else { return }
        lastModified = modified
        let defaultNode = network.nodes.first?.name ?? ""
        var wanted: [LabFault] = []
        for spec in faults.dataplane ?? [] {
            do {
                wanted.append(try network.canonicalName(LabFault.parse(spec, defaultNode: defaultNode)))
            } catch {
                if reported.insert(spec).inserted { LabDaemon.log("fault \(spec): \(error)") }
                lastModified = nil  // try again (a pod named by policy-drop may come later)
            }
        }
        for fault in network.faults where !wanted.contains(fault) {
            do {
                try network.revert(fault)
                LabDaemon.log("fault \(fault) reverted")
            } catch {
                LabDaemon.log("fault \(fault): cannot revert: \(error)")
            }
        }
        for fault in wanted where !network.faults.contains(fault) {
            do {
                try network.apply(fault)
                if case .conntrackFull(let node) = fault { NodeKernelLog.conntrackTableFull(node: node, directory: directory) }
                LabDaemon.log("fault \(fault) applied")
            } catch {
                if reported.insert(fault.description).inserted { LabDaemon.log("fault \(fault): \(error)") }
                lastModified = nil
            }
        }
    }
}
