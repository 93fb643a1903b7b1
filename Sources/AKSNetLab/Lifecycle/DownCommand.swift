import ArgumentParser
import Foundation
import KubeModel

/// `kubectl-aksnet-lab down --dir DIR`: stops the lab and removes every
/// namespace, link, rule and process it made, also after a crash.
struct DownCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "down", abstract: "Stop the lab and remove everything it made.")

    @Option(help: "The lab directory.") var dir: String

    func run() throws {
        let directory = LabDirectory(dir)
        var stopped = false
        if let pid = directory.runningPID {
            kill(pid, SIGTERM)
            let deadline = Date().addingTimeInterval(30)
            while kill(pid, 0) == 0, Date() < deadline { usleep(50_000) }
            if kill(pid, 0) == 0 {
                kill(pid, SIGKILL)
                usleep(200_000)
            }
            stopped = true
        }
        // Whatever the daemon left (it crashed, or was killed): the nodes' sshd by their PID files,
        // then what the recorded state says.
        let sshds = NodeSSH(directory: directory).stopLeftovers()
        if sshds > 0 { StandardStreams.writeError("stopped \(sshds) node sshd left by a lab that did not stop them\n") }
        if FileManager.default.fileExists(atPath: directory.networkState) {
            try LabNetwork.teardown(stateFile: directory.networkState)
        }
        HostMountPoints.removeAll(directory: directory.path)
        for file in [directory.readyFile, directory.pidFile, directory.portFile] { try? FileManager.default.removeItem(atPath: file) }
        StandardStreams.writeOutput(stopped ? "aksnet lab in \(directory.path) is down\n" : "no lab was running in \(directory.path); cleaned up\n")
    }
}

/// `kubectl-aksnet-lab status --dir DIR`: exit 0 when the lab runs and answers.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Tell whether the lab runs (exit 0) or not (exit 1).")

    @Option(help: "The lab directory.") var dir: String

    func run() throws {
        let directory = LabDirectory(dir)
        guard let pid = directory.runningPID, FileManager.default.fileExists(atPath: directory.readyFile), let port = directory.port else {
            StandardStreams.writeOutput("not running (\(directory.path))\n")
            throw ExitCode(1)
        }
        let config = try? LabConfig.read(directory.config)
        let nodes = config.map { $0.nodePools.reduce(0) { $0 + $1.count } + $0.windowsNodes } ?? 0
        StandardStreams.writeOutput("""
            running (pid \(pid)): lab \(config?.labID ?? "?"), \(nodes) nodes, \(config?.networkPlugin ?? "?"), API https://127.0.0.1:\(port)
            kubeconfig: \(directory.kubeconfig)

            """)
        let faults = (try? FaultFile.read(directory).describe()) ?? []
        if !faults.isEmpty { StandardStreams.writeOutput("API faults: \(faults.joined(separator: " "))\n") }
    }
}
