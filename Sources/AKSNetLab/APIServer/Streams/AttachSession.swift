#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KubeModel
import KubeWire
import NIOCore

/// attach: the running main process's I/O, as the kubelet keeps it (`ContainerIO`): its output
/// from now on on channels 1/2 (1 only with a tty), stdin from channel 0 when the container has
/// `stdin: true`, resize on 4; with `stdinOnce`, the client's end of stdin is the container's.
/// A container without stdin or tty is followed through its log file. When the process ends:
/// Status Success on channel 3 and a close. Every method runs on the event loop.
final class AttachSession: StreamSession, @unchecked Sendable {
    let plan: StreamPlan
    private weak var link: WebSocketStreamHandler?
    private var loop: (any EventLoop)?
    private var io: ContainerIO?
    private var subscription: Int?
    private var finished = false
    private let input = DispatchQueue(label: "aksnet.lab.attach-input")
    private let stop = StopFlag()

    init(plan: StreamPlan) { self.plan = plan }

    var jsonStatus: Bool { plan.subprotocol == ExecProtocol.v5.rawValue || plan.subprotocol == ExecProtocol.v4.rawValue }

    func start(_ link: WebSocketStreamHandler) {
        self.link = link
        loop = link.eventLoop
        guard let loop else { return }
        let first: UInt8 = plan.stdout ? 1 : (plan.stderr && !plan.tty ? 2 : 3)
        link.send(channel: first, [])
        guard let container = plan.sandbox.container(plan.containerName) else { return finish() }
        if let io = container.io {
            self.io = io
            // Strong captures: the subscription ends in finish() or clientGone(), and with it the cycle.
            subscription = io.subscribe(output: { [self] channel, bytes in
                loop.execute { self.deliver(channel, bytes) }
            }, end: { [self] in
                loop.execute { self.finish() }
            })
        } else {
            followLog(container.logPath, pid: container.pid, loop: loop)
        }
    }

    private func deliver(_ channel: UInt8, _ bytes: [UInt8]) {
        guard !finished else { return }
        let target: UInt8 = plan.tty ? 1 : channel
        if target == 1 && !plan.stdout { return }
        if target == 2 && !plan.stderr { return }
        link?.send(channel: target, bytes)
    }

    /// New bytes of the log file, every 100 ms, until the process is gone or the client leaves.
    private func followLog(_ path: String, pid: Int32, loop: any EventLoop) {
        let stop = self.stop
        let thread = Thread { [self] in
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd >= 0 { lseek(fd, 0, SEEK_END) }
            var buffer = [UInt8](repeating: 0, count: 32768)
            while !stop.isSet {
                var got = false
                while fd >= 0 {
                    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if n <= 0 { break }
                    got = true
                    let chunk = Array(buffer[0..<n])
                    loop.execute { self.deliver(1, chunk) }
                }
                if !got && !Self.alive(pid) { break }
                if !got { usleep(100_000) }
            }
            if fd >= 0 { close(fd) }
            loop.execute { self.finish() }
        }
        thread.name = "attach-log"
        thread.start()
    }

    /// Running (not gone, not a zombie waiting to be reaped).
    static func alive(_ pid: Int32) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        return !stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }

    private func finish() {
        guard !finished else { return }
        finished = true
        stop.set()
        if let subscription { io?.unsubscribe(subscription) }
        subscription = nil
        if jsonStatus {
            link?.send(channel: ExecChannel.error.rawValue, Array(#"{"metadata":{},"status":"Success"}"#.utf8))
        }
        link?.sendClose(code: 1000)
    }

    func received(_ message: [UInt8]) {
        guard let channel = message.first, let io else { return }
        let data = Array(message.dropFirst())
        switch channel {
        case ExecChannel.stdin.rawValue:
            guard plan.stdin, !data.isEmpty else { return }
            input.async { io.write(data) }
        case ExecChannel.resize.rawValue:
            guard let json = try? JSONValue.parse(data), let width = json["Width"]?.intValue,
                  let height = json["Height"]?.intValue else { return }
            io.resize(width: Int(width), height: Int(height))
        case ExecChannel.close.rawValue:
            guard plan.subprotocol == ExecProtocol.v5.rawValue, data.first == ExecChannel.stdin.rawValue,
                  plan.stdin, io.stdinOnce else { return }
            input.async { io.closeStdin() }
        default:
            break
        }
    }

    func clientGone() {
        stop.set()
        if let subscription { io?.unsubscribe(subscription) }
        subscription = nil
        // stdinOnce: the first attach's end of stdin is the container's.
        if let io, plan.stdin, io.stdinOnce { input.async { io.closeStdin() } }
        finished = true
    }
}

/// A flag set once, read from another thread.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
