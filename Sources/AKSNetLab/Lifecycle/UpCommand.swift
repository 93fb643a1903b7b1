import ArgumentParser
import Foundation
import KubeModel

/// `kubectl-aksnet-lab up --dir DIR …`: starts the lab in the background and
/// returns once the cluster answers; writes DIR/kubeconfig.
struct UpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "up", abstract: "Start an emulated AKS cluster in the background.")

    @Option(help: "The lab directory (kubeconfig, certificates, state, logs).") var dir: String
    @Option(name: .customLong("network-plugin"), help: "kubenet, azure or overlay.") var networkPlugin = "kubenet"
    @Option(name: .customLong("network-policy"), help: "none, azure or calico.") var networkPolicy = "none"
    @Option(name: .customLong("kube-proxy"), help: "iptables (ipvs needs a kernel with IPVS).") var kubeProxy = "iptables"
    @Option(name: .customLong("ip-family"), help: "ipv4 or dual.") var ipFamily = "ipv4"
    @Option(help: "Linux nodes in one pool (ignored with --nodepools).") var nodes = 2
    @Option(help: "Node pools: NAME=COUNT[,NAME=COUNT…], each on its own subnet.") var nodepools: String?
    @Option(name: .customLong("windows-nodes"), help: "Windows nodes (their InternalIP and sshd; no pods run there).") var windowsNodes = 0
    @Option(help: "Images the lab's registry serves, comma-separated (default: the usual debug and base images). \(LabRegistry.privateNetshoot) is always there and needs the pull secret in DIR/registry/config.json.")
    var images: String?
    @Option(name: .customLong("break"), parsing: .upToNextOption, help: "Faults: missing-route[:NODE], ip-forward-off[:NODE], no-masquerade[:NODE], mtu-mismatch[:NODE[:MTU]], policy-drop:POD, conntrack-full[:NODE]; API faults (changeable later with `fault`): api-5xx=SHARE[:CODE], api-429=SHARE[:RETRY_AFTER], api-latency=DURATION, token-expire=DURATION|now, stream-drop=BYTES|DURATION, pleg-lag=DURATION.")
    var faults: [String] = []

    func validate() throws {
        guard ["kubenet", "azure", "overlay"].contains(networkPlugin) else { throw ValidationError("--network-plugin must be kubenet, azure or overlay") }
        guard ["none", "azure", "calico"].contains(networkPolicy) else { throw ValidationError("--network-policy must be none, azure or calico") }
        if kubeProxy == "ipvs" {
            // IPVS is a kernel module; without it there is nothing real to program.
            let available = access("/proc/net/ip_vs", F_OK) == 0
            throw ValidationError(available
                ? "--kube-proxy ipvs: not emulated yet; use --kube-proxy iptables"
                : "--kube-proxy ipvs: this kernel has no IPVS (no /proc/net/ip_vs); use --kube-proxy iptables")
        }
        guard kubeProxy == "iptables" else { throw ValidationError("--kube-proxy must be iptables or ipvs") }
        guard ["ipv4", "dual"].contains(ipFamily) else { throw ValidationError("--ip-family must be ipv4 or dual") }
        guard (1...100).contains(nodes) else { throw ValidationError("--nodes must be between 1 and 100") }
        guard (0...4).contains(windowsNodes) else { throw ValidationError("--windows-nodes must be between 0 and 4") }
        if let nodepools {
            do { _ = try LabConfig.parsePools(nodepools) } catch { throw ValidationError("\(error)") }
        }
        var scratch = APIFaults()
        for fault in faults {
            // Checked here as `fault set` checks them: a bad MTU or name is a usage error, not a failed start.
            if APIFaults.isDataplaneSpec(fault) {
                do { _ = try LabFault.parse(fault, defaultNode: "node1") } catch { throw ValidationError("\(error)") }
                continue
            }
            guard APIFaults.isAPISpec(fault) else {
                throw ValidationError("--break \"\(fault)\" is not a fault (\((APIFaults.names + LabFault.scenarios).joined(separator: ", ")))")
            }
            do { try scratch.apply(fault) } catch { throw ValidationError("\(error)") }
        }
    }

    static func closeOnExecAbove2() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for entry in entries {
            guard let fd = Int32(entry), fd > 2 else { continue }
            _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC)
        }
    }

    func run() throws {
        let directory = LabDirectory(dir)
        if let pid = directory.runningPID {
            throw LabError("a lab is already running in \(directory.path) (pid \(pid)); run `kubectl-aksnet-lab down --dir \(dir)` first")
        }
        try directory.create()
        try LabPKI.create(in: directory.pki)
        let token = (0..<24).map { _ in String("abcdefghijklmnopqrstuvwxyz0123456789".randomElement() ?? "x") }.joined()
        try directory.writeAtomically("\(token),aksnet-token-user,system:masters\n", to: directory.file("tokens"))
        let pools = try nodepools.map(LabConfig.parsePools) ?? [LabConfig.Pool(name: "nodepool1", count: nodes)]
        let labID = String((0..<6).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement() ?? "a" })
        let password = (0..<32).map { _ in String("abcdefghijklmnopqrstuvwxyz0123456789".randomElement() ?? "x") }.joined()
        let served = images.map { $0.split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty } }
        let config = LabConfig(labID: labID, networkPlugin: networkPlugin, networkPolicy: networkPolicy, kubeProxy: kubeProxy,
                               ipFamily: ipFamily, nodePools: pools, windowsNodes: windowsNodes,
                               faults: faults.filter { !APIFaults.isAPISpec($0) }, images: served, registryPassword: password)
        try config.write(directory)
        try FileManager.default.createDirectory(atPath: directory.file("registry"), withIntermediateDirectories: true)
        try directory.writeAtomically(config.registry.dockerConfigJSON, to: directory.file("registry/config.json"))
        // API faults (api-5xx, stream-drop…) live in DIR/faults.json, which `fault` changes later.
        var apiFaults = APIFaults()
        for fault in faults where APIFaults.isAPISpec(fault) { try apiFaults.apply(fault) }
        for fault in faults where APIFaults.isDataplaneSpec(fault) { apiFaults.add(dataplane: fault) }
        try FaultFile.write(apiFaults, to: directory)
        for stale in [directory.readyFile, directory.portFile, directory.pidFile] { try? FileManager.default.removeItem(atPath: stale) }

        let started = Date()
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        // The daemon outlives us: it must not hold our other descriptors (a caller's pipes would never see EOF).
        Self.closeOnExecAbove2()
        let daemon = try LabProcess.start([exe, "serve", "--dir", directory.path], stdoutPath: directory.logFile, stderrPath: directory.logFile)
        while !FileManager.default.fileExists(atPath: directory.readyFile) {
            if !daemon.isRunning {
                let log = (try? String(contentsOfFile: directory.logFile, encoding: .utf8)) ?? ""
                throw LabError("the lab did not start; the end of \(directory.logFile):\n\(log.split(separator: "\n").suffix(8).joined(separator: "\n"))")
            }
            if Date().timeIntervalSince(started) > 60 {
                daemon.stop(grace: 5)
                throw LabError("the lab did not become ready within 60 s; see \(directory.logFile)")
            }
            usleep(20_000)
        }
        guard let port = directory.port else { throw LabError("the lab started but wrote no API server port") }
        try LabKubeconfig.write(directory, port: port, token: token)
        let nodeCount = pools.reduce(0) { $0 + $1.count } + windowsNodes
        StandardStreams.writeOutput("""
            aksnet lab \(labID) is up in \(String(format: "%.1f", Date().timeIntervalSince(started))) s: \(nodeCount) nodes, \(networkPlugin), API https://127.0.0.1:\(port)
              kubectl --kubeconfig \(directory.kubeconfig) get nodes -o wide
              kubectl-aksnet-lab down --dir \(dir)

            """)
    }
}
