import Dispatch
import KubeClient
import KubeModel
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// How a worker's pcap bytes come back: over a port-forward to socat in the helper (the
/// default), or over the exec stream's stdout when the helper cannot listen.
public enum CaptureTransport: String, Sendable, CaseIterable {
    case auto
    case portForward = "port-forward"
    case exec
}

extension CaptureWorker {
    /// The port-forward path: a control exec runs socat (whose stderr carries tcpdump's), a
    /// port-forward stream carries the pcap into a pipe, this thread feeds the pipe to the sink.
    /// Returns false, before any byte was delivered, when the helper cannot listen or be reached:
    /// the caller then uses exec stdout.
    func runOverPortForward(into sink: any CaptureSink) -> Bool {
        let port = UInt16.random(in: 40000...59999)
        var io = ExecIO()
        io.stdoutSink = { _ in true }
        io.stderrSink = { [self] bytes in
            noteStderr(bytes)
            return true
        }
        io.isCancelled = { [self] in stopGraceExpired }
        let control = ExecRequest(namespace: execTarget.namespace, pod: execTarget.pod, container: execTarget.container,
                                  command: invocation.socatArgv(port: port))
        let controlDone = DispatchGroup()
        let controlResult = ControlResult()
        let controlIO = io
        BackgroundThread.start(group: controlDone) { [client] in
            let outcome: (Int32?, KubeError?)
            do throws(KubeError) { outcome = (try client.exec(control, io: controlIO), nil) } catch { outcome = (nil, error) }
            controlResult.value.withLock { $0 = outcome }
        }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return false }
        let (readFD, writeFD) = (fds[0], fds[1])
        let index = self.index
        let reader = DispatchGroup()
        let delivered = DeliveredBytes()
        state.withLock { $0.usedTransport = .portForward }
        BackgroundThread.start(group: reader) { [self] in
            var buffer = [UInt8](repeating: 0, count: 64 << 10)
            while true {
                let n = read(readFD, &buffer, buffer.count)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { break }
                delivered.count.add(n, ordering: .relaxed)
                if !sink.deliver(Array(buffer[0..<n]), from: index) {
                    markSinkStopped()
                    break
                }
            }
            close(readFD)
        }
        // socat listens a moment after the control exec starts: connect once it says so (each
        // refused attempt is one more request to a server that may be throttling), and still
        // retry a refused connection briefly.
        let notice = Monotonic.now + 3
        while Monotonic.now < notice, !state.withLock({ $0.report.socatListening }),
              controlDone.wait(timeout: .now() + .milliseconds(20)) == .timedOut {}
        let deadline = Monotonic.now + 5
        var streamError: KubeError?
        var connected = false
        while Monotonic.now < deadline, controlDone.wait(timeout: .now()) == .timedOut {
            do {
                let stream = try client.openPortForward(namespace: execTarget.namespace, pod: execTarget.pod, port: port)
                connected = true
                try stream.pump(readFD: Self.neverReadable, writeFD: writeFD)
                streamError = nil
                break
            } catch {
                streamError = error
                if delivered.count.load(ordering: .relaxed) > 0 || !Self.isRefused(error) { break }
                connected = false
                usleep(100_000)
            }
        }
        close(writeFD)
        reader.wait()
        if delivered.count.load(ordering: .relaxed) == 0 && !connected {
            // Never reached socat: stop the control exec and let exec stdout carry the capture.
            requestStopForFallback()
            _ = controlDone.wait(timeout: .now() + .seconds(Int(Self.stopGrace)))
            resetForFallback()
            return false
        }
        _ = controlDone.wait(timeout: .now() + .seconds(Int(Self.stopGrace) + 1))
        let (code, controlError) = controlResult.value.withLock { $0 }
        let failure = controlError ?? streamError.flatMap { $0.kind == .cancelled ? nil : $0 }
        finishRun(code: code, failure: failure.map(CaptureFailure.stream), sink: sink)
        return true
    }

    static func isRefused(_ error: KubeError?) -> Bool {
        guard let error else { return false }
        return error.message.contains("connection refused") || error.kind == .streamClosed
    }

    /// A descriptor that never has data: the capture sends nothing to socat.
    static let neverReadable: Int32 = {
        var fds: [Int32] = [0, 0]
        _ = pipe(&fds)
        return fds[0]
    }()
}

final class ControlResult: Sendable {
    let value = Mutex<(Int32?, KubeError?)>((nil, nil))
}

final class DeliveredBytes: Sendable {
    let count = Atomic<Int>(0)
}
