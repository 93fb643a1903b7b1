import Dispatch
import KubeConfig
import KubeModel
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A local TCP listener that forwards each accepted connection to a pod's
/// port through its own WebSocket, like `kubectl port-forward`: several
/// connections at once, each on its own thread.
public final class PortForwardListener: Sendable {
    public let localPort: UInt16
    private let listenFD: Int32
    private let client: KubeClient
    private let namespace: String
    private let pod: String
    private let remotePort: UInt16
    /// Where each connection's stream comes from (a new port-forward unless the owner says otherwise).
    private let streamSource: (@Sendable () throws(KubeError) -> PortForwardStream)?
    private let stopped = Atomic<Bool>(false)
    private let active = Atomic<Int>(0)
    public let errors = Mutex<[String]>([])
    /// Set when a stream was cut (like kubectl, which exits on "lost connection to pod"): `run` returns.
    public let lostConnection = Mutex<KubeError?>(nil)

    /// Binds 127.0.0.1:`localPort` (0 picks a free port). `streamSource`, when given, opens each
    /// connection's stream instead (e.g. one already open and probed for the first connection).
    public init(client: KubeClient, namespace: String, pod: String, remotePort: UInt16, localPort: UInt16 = 0,
                streamSource: (@Sendable () throws(KubeError) -> PortForwardStream)? = nil) throws(KubeError) {
        self.client = client
        self.namespace = namespace
        self.pod = pod
        self.remotePort = remotePort
        self.streamSource = streamSource
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw KubeError(kind: .connection, message: "socket: \(Files.errorText(errno))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = localPort.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let reason = Files.errorText(errno)
            close(fd)
            throw KubeError(kind: .connection, message: "cannot listen on 127.0.0.1:\(localPort): \(reason)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.listenFD = fd
        self.localPort = UInt16(bigEndian: actual.sin_port)
    }

    public var activeConnections: Int { active.load(ordering: .relaxed) }

    /// Accepts until `stop()`; blocks the calling thread.
    public func run() {
        while !stopped.load(ordering: .relaxed) {
            var fds = [pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)]
            guard Glibc.poll(&fds, 1, 250) > 0 else { continue }
            let conn = accept(listenFD, nil, nil)
            guard conn >= 0 else { continue }
            active.add(1, ordering: .relaxed)
            DispatchQueue.global().async { [self] in
                defer {
                    close(conn)
                    active.subtract(1, ordering: .relaxed)
                }
                do {
                    let stream = try streamSource?() ?? client.portForward(namespace: namespace, pod: pod, port: remotePort)
                    try stream.pump(readFD: conn, writeFD: conn)
                } catch {
                    if let cut = error as? KubeError, cut.kind == .streamClosed {
                        lostConnection.withLock { $0 = $0 ?? cut }
                        stopped.store(true, ordering: .relaxed)
                    }
                    errors.withLock { $0.append("\(error)") }
                    if Log.enabled(1) { Log.write("port-forward connection failed: \(error)") }
                }
            }
        }
    }

    public func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    deinit { close(listenFD) }
}
