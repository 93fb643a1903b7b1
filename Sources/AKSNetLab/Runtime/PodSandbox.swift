/// What the lab kubelet knows about a running pod, for the API server's
/// exec, attach, port-forward and logs: where its processes live.
public struct PodSandbox: Sendable, Equatable {
    public struct Container: Sendable, Equatable {
        public var name: String
        /// The container's main process (0 when it is not running).
        public var pid: Int32
        /// argv of the main process.
        public var command: [String]
        /// Its stdin/tty and live output, for attach (nil when the container has neither stdin nor tty).
        public var io: ContainerIO?
        /// Its log file (attach follows it when `io` is nil).
        public var logPath: String
        /// PATH in the container (its image's programs first): what exec resolves the command with.
        public var path: String
        public init(name: String, pid: Int32, command: [String], io: ContainerIO? = nil, logPath: String = "",
                    path: String = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin") {
            self.name = name
            self.path = path
            self.pid = pid
            self.command = command
            self.io = io
            self.logPath = logPath
        }
    }

    public var namespace: String
    public var name: String
    public var uid: String
    /// `ip netns` name of the pod's network namespace (the node's for hostNetwork pods).
    public var netns: String
    public var nodeName: String
    public var hostNetwork: Bool
    public var containers: [Container]
    public var ephemeralContainers: [Container]

    public init(namespace: String, name: String, uid: String, netns: String, nodeName: String, hostNetwork: Bool,
                containers: [Container], ephemeralContainers: [Container] = []) {
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.netns = netns
        self.nodeName = nodeName
        self.hostNetwork = hostNetwork
        self.containers = containers
        self.ephemeralContainers = ephemeralContainers
    }

    public func container(_ name: String?) -> Container? {
        guard let name, !name.isEmpty else { return containers.first }
        return containers.first { $0.name == name } ?? ephemeralContainers.first { $0.name == name }
    }
}

/// Implemented by the lab kubelet; the API server asks it where a pod runs.
public protocol PodSandboxLookup: Sendable {
    func sandbox(namespace: String, name: String) -> PodSandbox?
}
