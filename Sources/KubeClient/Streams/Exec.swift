import KubeConfig
import KubeModel
import KubeWire
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What to run in a container, as kubectl exec / attach take it.
public struct ExecRequest: Sendable {
    public enum Kind: String, Sendable { case exec, attach }
    public var kind: Kind
    public var namespace: String
    public var pod: String
    public var container: String?
    public var command: [String]
    public var stdin: Bool
    public var stdout: Bool
    public var stderr: Bool
    public var tty: Bool

    public init(kind: Kind = .exec, namespace: String, pod: String, container: String? = nil, command: [String],
                stdin: Bool = false, stdout: Bool = true, stderr: Bool = true, tty: Bool = false) {
        self.kind = kind
        self.namespace = namespace
        self.pod = pod
        self.container = container
        self.command = command
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.tty = tty
    }

    var path: String {
        var query: [(String, String)] = []
        if kind == .exec { for arg in command { query.append(("command", arg)) } }
        if let container, !container.isEmpty { query.append(("container", container)) }
        if stdin { query.append(("stdin", "true")) }
        if stdout { query.append(("stdout", "true")) }
        if stderr && !tty { query.append(("stderr", "true")) }
        if tty { query.append(("tty", "true")) }
        return ResourcePath.pods(namespace, pod).path + "/" + kind.rawValue + "?" + URLEncoding.queryString(query)
    }
}

/// Where an exec's bytes go: local file descriptors, a terminal's size,
/// and a way to stop. `wakeFD` becoming readable means "ask `terminalSize`
/// again" (a SIGWINCH self-pipe) — the caller drains it.
public struct ExecIO: @unchecked Sendable {
    public var stdinFD: Int32?
    public var stdoutFD: Int32
    public var stderrFD: Int32
    public var wakeFD: Int32?
    public var terminalSize: (() -> (width: Int, height: Int)?)?
    public var isCancelled: () -> Bool
    /// When set, stdout / stderr bytes go here instead of to the descriptors (a
    /// capture parses them); returning false ends the exec as cancelled.
    public var stdoutSink: (([UInt8]) -> Bool)?
    public var stderrSink: (([UInt8]) -> Bool)?
    /// Called once the upgrade succeeded, before any byte moves (a terminal goes raw only then:
    /// an exec the server refused leaves it as it was).
    public var onUpgraded: (() -> Void)?

    public init(stdinFD: Int32? = nil, stdoutFD: Int32 = 1, stderrFD: Int32 = 2, wakeFD: Int32? = nil,
                terminalSize: (() -> (width: Int, height: Int)?)? = nil, isCancelled: @escaping () -> Bool = { false }) {
        self.stdinFD = stdinFD
        self.stdoutFD = stdoutFD
        self.stderrFD = stderrFD
        self.wakeFD = wakeFD
        self.terminalSize = terminalSize
        self.isCancelled = isCancelled
    }
}

extension KubeClient {
    /// Runs a command in a container over WebSocket (v5, else v4) and returns
    /// its exit code; a Status that is not an exit code (no such command, an
    /// internal error) or a dropped stream is a KubeError.
    public func exec(_ request: ExecRequest, io: ExecIO) throws(KubeError) -> Int32 {
        let ws = try WebSocketConnection.open(transport: transport, path: request.path, protocols: ExecProtocol.offered)
        defer { ws.close() }
        io.onUpgraded?()
        let isV5 = ws.subprotocol == ExecProtocol.v5.rawValue
        var lastSize: (Int, Int)?
        func sendSize() throws(KubeError) {
            guard request.tty, let size = io.terminalSize?(), size.width > 0, size.height > 0 else { return }
            guard lastSize.map({ $0 != (size.width, size.height) }) ?? true else { return }
            lastSize = (size.width, size.height)
            if Log.enabled(7) { Log.write("terminal size \(size.width)x\(size.height)") }
            try ws.send(ExecChannelCodec.resize(width: size.width, height: size.height))
        }
        try sendSize()
        var stdinOpen = request.stdin && io.stdinFD != nil
        var outcome: ExecOutcome?
        var buffer = [UInt8](repeating: 0, count: 32 << 10)
        while outcome == nil {
            var fds = [pollfd(fd: ws.fileDescriptor, events: Int16(POLLIN), revents: 0)]
            if stdinOpen, let fd = io.stdinFD { fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
            if let wake = io.wakeFD { fds.append(pollfd(fd: wake, events: Int16(POLLIN), revents: 0)) }
            // Always try the socket first: TLS may hold decrypted bytes poll cannot see.
            guard let messages = try ws.poll() else { break }
            // Consecutive output of one channel goes out in one write (a poll can hold many frames).
            var batch: [UInt8] = []
            var batchChannel: ExecChannel?
            func flush() throws(KubeError) {
                guard let channel = batchChannel, !batch.isEmpty else { return }
                if channel == .stdout {
                    if let sink = io.stdoutSink { try deliver(batch, to: sink) } else { try writeAll(io.stdoutFD, batch) }
                } else {
                    if let sink = io.stderrSink { try deliver(batch, to: sink) } else { try writeAll(io.stderrFD, batch) }
                }
                batch.removeAll(keepingCapacity: true)
            }
            for message in messages {
                guard case .binary(let payload) = message, let first = payload.first else { continue }
                let channel: ExecChannel? = first == ExecChannel.stdout.rawValue ? .stdout : first == ExecChannel.stderr.rawValue ? .stderr : nil
                if let channel {
                    if channel != batchChannel { try flush() }
                    batchChannel = channel
                    batch.append(contentsOf: payload[1...])
                    continue
                }
                guard let frame = ExecChannelCodec.decode(payload) else { continue }
                try flush()
                if case .status(let data) = frame { outcome = ExecOutcome.parse(data) }
            }
            try flush()
            if outcome != nil || !messages.isEmpty { continue }
            if io.isCancelled() { throw KubeError(kind: .cancelled, message: "exec cancelled", server: config.server) }
            let ready = Glibc.poll(&fds, nfds_t(fds.count), 500)
            if ready < 0 && errno != EINTR { break }
            for entry in fds.dropFirst() where entry.revents != 0 {
                if entry.fd == io.wakeFD {
                    _ = Glibc.read(entry.fd, &buffer, buffer.count)
                    try sendSize()
                } else if stdinOpen {
                    let n = Glibc.read(entry.fd, &buffer, buffer.count)
                    if n > 0 {
                        try ws.send(ExecChannelCodec.stdin(Array(buffer[0..<n])))
                    } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                        stdinOpen = false
                        // v5 tells the process its stdin ended; v4 cannot (it ends with the socket).
                        if isV5 { try ws.send(ExecChannelCodec.closeStdin()) }
                    }
                }
            }
        }
        switch outcome {
        case .exited(let code): return code
        case .failed(let message): throw KubeError(kind: .server, message: message, server: config.server)
        case nil where !ws.closeFrameReceived:
            throw KubeError(kind: .streamClosed,
                            message: "lost connection to pod \(request.namespace)/\(request.pod): the exec stream was cut after \(ws.bytesReceived) byte\(ws.bytesReceived == 1 ? "" : "s"), without a WebSocket close frame, before the command's exit status arrived",
                            server: config.server)
        case nil:
            throw KubeError(kind: .streamClosed,
                            message: "the exec stream to pod \(request.namespace)/\(request.pod) ended before the command's exit status arrived",
                            server: config.server)
        }
    }

    private func deliver(_ data: [UInt8], to sink: ([UInt8]) -> Bool) throws(KubeError) {
        guard sink(data) else { throw KubeError(kind: .cancelled, message: "output closed", server: config.server) }
    }

    private func writeAll(_ fd: Int32, _ data: [UInt8]) throws(KubeError) {
        var copy = data
        guard StandardStreams.write(fd: fd, bytes: &copy) else {
            throw KubeError(kind: .cancelled, message: "output closed (\(Files.errorText(errno)))", server: config.server)
        }
    }
}
