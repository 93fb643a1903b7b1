#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KubeModel
import KubeWire
import NIOCore

/// exec and attach: `nsenter` into the container (or `ip netns exec <pod netns>`) then argv… on pipes (or a pty with tty=true),
/// streamed on channels 1/2, stdin from channel 0, resize on 4, v5's `[0xFF,0]` closing
/// stdin; when the process has ended and all its output was written, the Status on channel 3
/// and a close (1000). Every method runs on the event loop.
final class ExecSession: StreamSession, @unchecked Sendable {
    static let firstResizeWait: TimeAmount = .milliseconds(300)

    let plan: StreamPlan
    private weak var link: WebSocketStreamHandler?
    private var loop: (any EventLoop)?
    private let credit = OutputCredit()
    private var child: StreamChild?
    private var input: InputPump?
    private var master: Int32 = -1
    private var openReaders = 0
    private var exitCode: Int32?
    private var finished = false
    private var stdinClosed = false
    private var size: (width: Int, height: Int)?
    private var spawnTimer: Scheduled<Void>?
    private var pendingInput: [[UInt8]] = []
    private var mountWaits = 0

    init(plan: StreamPlan) { self.plan = plan }

    var isV5: Bool { plan.subprotocol == ExecProtocol.v5.rawValue }
    var jsonStatus: Bool { plan.subprotocol == ExecProtocol.v5.rawValue || plan.subprotocol == ExecProtocol.v4.rawValue }

    func start(_ link: WebSocketStreamHandler) {
        self.link = link
        loop = link.eventLoop
        // An empty frame on the lowest channel the client reads says "connected".
        let first: UInt8 = plan.stdout ? 1 : (plan.stderr && !plan.tty ? 2 : 3)
        link.send(channel: first, [])
        if plan.tty, let loop {
            spawnTimer = loop.scheduleTask(in: Self.firstResizeWait) { [self] in spawn() }
        } else {
            spawn()
        }
    }

    /// PATH of the container exec'd into: its image's programs first, as a runtime's exec sees them.
    var containerPath: String { plan.sandbox.container(plan.containerName)?.path ?? StreamChild.path }

    var environment: [String] {
        var env = ["PATH=\(containerPath)", "HOSTNAME=\(plan.pod)", "HOME=/root"]
        if plan.tty { env.append("TERM=xterm") }
        return env
    }

    private func spawn() {
        spawnTimer?.cancel()
        spawnTimer = nil
        guard child == nil, !finished, let loop, let link else { return }
        // Like a runtime's exec: into the container's mount namespace (its hostPath mounts), the
        // pod's network namespace and the container's working directory; by netns name only when
        // the main process is not known.
        let pid = plan.containerPID
        // The kubelet reports a container with hostPath mounts Running once its mount script has
        // exec'd the command (LabKubelet.waitMounted, bounded); should that wait have run out
        // under load, an exec still waits here until the mounts are in place.
        if pid > 0, ContainerLaunch.stillMounting(pid), mountWaits < 150 {
            mountWaits += 1
            spawnTimer = loop.scheduleTask(in: .milliseconds(20)) { [self] in spawn() }
            return
        }
        let argv = pid > 0 && access("/proc/\(pid)/ns/mnt", F_OK) == 0
            ? ["nsenter", "--target", "\(pid)", "--mount", "--net", "--wd", "--"] + plan.argv
            : ["ip", "netns", "exec", plan.sandbox.netns] + plan.argv
        // The runtime's check: the command must exist (in the pod's view of the host's files).
        let found = StreamChild.lookup(plan.argv[0], path: containerPath)
        guard found.path != nil else { return fail(found.why) }
        var closeInParent: [Int32] = []
        defer { for fd in closeInParent where fd >= 0 { close(fd) } }
        do {
            if plan.tty {
                let pty = try StreamFD.openPTY()
                master = pty.master
                if let size { StreamFD.setWindowSize(master, width: size.width, height: size.height) }
                child = try StreamChild.spawn(argv, environment: environment, ttyPath: pty.slavePath)
                startReader(fd: dup(master), channel: plan.stdout ? 1 : 0, loop: loop)
                if plan.stdin { startInput(fd: dup(master), endByte: 0x04, loop: loop) }
            } else {
                let null = StreamFD.devNull()
                closeInParent.append(null)
                var fds: [Int32] = [null, null, null]
                var mine: [(fd: Int32, channel: UInt8)] = []
                var stdinWrite: Int32 = -1
                if plan.stdin {
                    let p = try StreamFD.pipe()
                    fds[0] = p.read
                    closeInParent.append(p.read)
                    stdinWrite = p.write
                }
                for (index, wanted) in [(1, plan.stdout), (2, plan.stderr)] where wanted {
                    let p = try StreamFD.pipe()
                    fds[index] = p.write
                    closeInParent.append(p.write)
                    mine.append((p.read, UInt8(index)))
                }
                do {
                    child = try StreamChild.spawn(argv, environment: environment, stdin: fds[0], stdout: fds[1], stderr: fds[2])
                } catch {
                    for (fd, _) in mine { close(fd) }
                    if stdinWrite >= 0 { close(stdinWrite) }
                    throw error
                }
                for (fd, channel) in mine { startReader(fd: fd, channel: channel, loop: loop) }
                if stdinWrite >= 0 { startInput(fd: stdinWrite, endByte: nil, loop: loop) }
            }
        } catch {
            return fail("\(error)")
        }
        guard let child else { return }
        let thread = Thread { [self] in
            let code = child.waitForExit()
            loop.execute { [self] in
                exitCode = code
                finishIfDone()
            }
        }
        thread.name = "exec-wait-\(child.pid)"
        thread.start()
        _ = link
    }

    private func startReader(fd: Int32, channel: UInt8, loop: any EventLoop) {
        openReaders += 1
        FDReader.start(fd: fd, name: "exec-out-\(channel)", loop: loop, credit: credit,
                       deliver: { [self] chunk in channel == 0 ? nil : link?.send(channel: channel, chunk) },
                       finished: { [self] in
                           openReaders -= 1
                           finishIfDone()
                       })
    }

    private func startInput(fd: Int32, endByte: UInt8?, loop: any EventLoop) {
        let pump = InputPump(fd: fd, name: "exec-in", endByte: endByte) { [self] in
            loop.execute { [self] in link?.setReading(true) }
        }
        input = pump
        for chunk in pendingInput where pump.push(chunk) { link?.setReading(false) }
        pendingInput = []
        if stdinClosed { pump.finish() }
    }

    private func finishIfDone() {
        guard let code = exitCode, openReaders == 0, !finished else { return }
        input?.abandon()
        input = nil
        if master >= 0 {
            close(master)
            master = -1
        }
        finish(status: Self.exitStatus(code))
    }

    private func fail(_ why: String) {
        finish(status: Self.startError(why))
    }

    private func finish(status: JSONValue) {
        guard !finished else { return }
        finished = true
        if jsonStatus {
            link?.send(channel: ExecChannel.error.rawValue, Array(status.serialized().utf8))
        } else if status["status"]?.stringValue != "Success" {
            link?.send(channel: ExecChannel.error.rawValue, Array((status["message"]?.stringValue ?? "").utf8))
        }
        link?.sendClose(code: 1000)
    }

    func received(_ message: [UInt8]) {
        guard let channel = message.first else { return }
        let data = Array(message.dropFirst())
        switch channel {
        case ExecChannel.stdin.rawValue:
            guard plan.stdin, !stdinClosed, !data.isEmpty else { return }
            if let input {
                if input.push(data) { link?.setReading(false) }
            } else {
                pendingInput.append(data)
            }
        case ExecChannel.resize.rawValue:
            guard let json = try? JSONValue.parse(data), let width = json["Width"]?.intValue,
                  let height = json["Height"]?.intValue else { return }
            size = (Int(width), Int(height))
            if master >= 0 { StreamFD.setWindowSize(master, width: Int(width), height: Int(height)) }
            if plan.tty, spawnTimer != nil { spawn() }
        case ExecChannel.close.rawValue:
            // v5 only: `[0xFF, 0]` is stdin's EOF; v4 ignores it (EOF only when the socket closes).
            guard isV5, data.first == ExecChannel.stdin.rawValue, plan.stdin, !stdinClosed else { return }
            stdinClosed = true
            input?.finish()
        default:
            break
        }
    }

    func clientGone() {
        spawnTimer?.cancel()
        spawnTimer = nil
        credit.cancel()
        input?.abandon()
        input = nil
        if let child, !child.hasExited, let loop { child.terminate(on: loop) }
        finished = true
    }

    // MARK: channel-3 Status texts (as a real kubelet/containerd writes them)

    static func exitStatus(_ code: Int32) -> JSONValue {
        if code == 0 { return ["metadata": [:], "status": "Success"] }
        return ["metadata": [:], "status": "Failure",
                "message": .string("command terminated with non-zero exit code: command terminated with exit code \(code)"),
                "reason": "NonZeroExitCode",
                "details": ["causes": [["reason": "ExitCode", "message": .string(String(code))]]]]
    }

    static func startError(_ why: String) -> JSONValue {
        let id = (UUID().uuidString + UUID().uuidString).replacingOccurrences(of: "-", with: "").lowercased()
        let inner = "error executing command in container: failed to exec in container: failed to start exec \"\(id)\": OCI runtime exec failed: exec failed: unable to start container process: \(why): unknown"
        return ["metadata": [:], "status": "Failure", "message": .string("Internal error occurred: " + inner),
                "reason": "InternalError", "details": ["causes": [["message": .string(inner)]]], "code": 500]
    }
}
