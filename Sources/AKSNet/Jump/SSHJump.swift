import KubeClient
import KubeModel
#if canImport(Glibc)
import Glibc
#endif

/// `jump NODE [-l USER] [-i KEY] [-- COMMAND…]`: a local port-forward on 127.0.0.1 (a free port)
/// to the relay, then the local `ssh` through it; its exit code is ours. Keys, passwords and the
/// agent stay on this machine: only the encrypted SSH stream crosses the relay.
public struct SSHJump {
    public let client: KubeClient
    public let options: JumpOptions
    public var ssh: SSHCommandLine
    public var localPort: UInt16 = 0

    public init(client: KubeClient, options: JumpOptions, ssh: SSHCommandLine) {
        self.client = client
        self.options = options
        self.ssh = ssh
    }

    public static func sshPath() -> String? { ViewerProcess.lookPath("ssh") }

    public func run() throws(JumpError) -> Int32 {
        guard let path = Self.sshPath() else { throw JumpError.sshMissing }
        let relay = try RelayConnection.open(client: client, options: options)
        defer { relay.close() }
        let listener: PortForwardListener
        do {
            listener = try PortForwardListener(client: client, namespace: relay.namespace, pod: relay.pod,
                                               remotePort: JumpPods.relayListenPort, localPort: localPort,
                                               streamSource: { () throws(KubeError) -> PortForwardStream in try relay.stream() })
        } catch {
            throw JumpError.stream(error.description)
        }
        BackgroundThread.start { listener.run() }
        defer { listener.stop() }
        var line = ssh
        line.localPort = listener.localPort
        line.node = relay.node.name
        // In our process group: a terminal's Ctrl-C and window size reach ssh as usual.
        let pid: pid_t
        switch CleanSpawn.spawn(path: path, argv: line.argv, newProcessGroup: false) {
        case .success(let child): pid = child
        case .failure(let failure): throw JumpError.stream("cannot start \(path): \(failure)")
        }
        var status: Int32 = 0
        var forwarded = false
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR { break }
            if StopSignal.isSet && !forwarded {
                // SIGTERM/SIGHUP to us alone (a terminal's SIGINT reached ssh already): end ssh too.
                kill(pid, StopSignal.received == SIGINT ? SIGTERM : StopSignal.received)
                forwarded = true
            }
            usleep(20_000)
        }
        if let lost = listener.lostConnection.withLock({ $0 }) {
            StandardStreams.writeError("error: \(lost.description)\n")
        }
        if (status & 0x7f) == 0 {
            let code = (status >> 8) & 0xff
            if code == 255 && !StopSignal.isSet {
                // ssh's own message is above; 255 is its connection or authentication failure.
                StandardStreams.writeError("hint: ssh to \(line.node) exited 255; check the user (-l, default azureuser) and the key (-i KEY)\n")
            }
            return code
        }
        return 128 + (status & 0x7f)
    }
}
