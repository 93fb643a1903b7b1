import ArgumentParser
import KubeClient
import KubeModel

/// `kubectl aksnet port-forward POD [LOCAL:]REMOTE`: like kubectl
/// port-forward, over WebSocket; one stream per accepted connection.
struct PortForwardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "port-forward",
        abstract: "Forward a local port to a pod's port (like kubectl port-forward, over WebSocket).")

    @Argument(help: "The pod (POD or pod/POD).")
    var pod: String

    @Argument(help: "[LOCAL:]REMOTE; LOCAL 0 or empty picks a free port.")
    var ports: String

    @OptionGroup var kube: KubeFlags

    func parsedPorts() throws -> (local: UInt16, remote: UInt16) {
        let parts = ports.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let remote = UInt16(parts.last ?? ""), remote > 0 else {
            throw ValidationError("ports must be [LOCAL:]REMOTE, e.g. 8080:80")
        }
        if parts.count == 1 { return (remote, remote) }
        if parts[0].isEmpty { return (0, remote) }
        guard let local = UInt16(parts[0]) else { throw ValidationError("bad local port \(parts[0])") }
        return (local, remote)
    }

    func validate() throws { _ = try parsedPorts() }

    func run() throws {
        let (local, remote) = try parsedPorts()
        let client: KubeClient
        do { client = try kube.makeClient() } catch { throw CommandFailure(error.description) }
        let name = pod.hasPrefix("pod/") ? String(pod.dropFirst(4)) : pod
        do {
            _ = try client.get(.pods(client.config.namespace, name))
            let listener = try PortForwardListener(client: client, namespace: client.config.namespace, pod: name,
                                                   remotePort: remote, localPort: local)
            StandardStreams.writeOutput("Forwarding from 127.0.0.1:\(listener.localPort) -> \(remote)\n")
            listener.run()
            if let lost = listener.lostConnection.withLock({ $0 }) { throw lost }
        } catch {
            throw CommandFailure(String(describing: error))
        }
    }
}
