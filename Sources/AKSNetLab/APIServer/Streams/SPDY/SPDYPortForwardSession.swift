#if canImport(Glibc)
import Glibc
#endif
import Foundation
import NIOCore

/// kubectl 1.31+'s port-forward: SPDY/3.1 tunnelled through the WebSocket
/// (`SPDY/3.1+portforward.k8s.io`, raw SPDY bytes in binary messages). Each forwarded
/// connection is a pair of streams the client opens with headers `streamtype: error|data`,
/// `port`, `requestid`; the data stream is relayed to 127.0.0.1:PORT in the pod's network
/// namespace through a `SocatRelay`, a failure is text on the error stream. Every method runs on the event loop.
final class SPDYPortForwardSession: StreamSession, @unchecked Sendable {
    final class Relay: @unchecked Sendable {
        let requestID: String
        let port: UInt16
        var dataStream: UInt32?
        var errorStream: UInt32?
        var child: StreamChild?
        var stdin: Int32 = -1
        let input = DispatchQueue(label: "aksnet.lab.spdy-relay-input")
        init(requestID: String, port: UInt16) {
            self.requestID = requestID
            self.port = port
        }
    }

    let plan: StreamPlan
    private weak var link: WebSocketStreamHandler?
    private var loop: (any EventLoop)?
    private var reader = SPDYFrameReader()
    private let headers = SPDYHeaderCodec()
    private var relays: [String: Relay] = [:]
    private var byStream: [UInt32: Relay] = [:]
    private var gone = false

    init(plan: StreamPlan) { self.plan = plan }

    func start(_ link: WebSocketStreamHandler) {
        self.link = link
        loop = link.eventLoop
    }

    func received(_ message: [UInt8]) {
        let frames: [SPDYFrame]
        do { frames = try reader.push(message) } catch {
            link?.sendClose(code: 1002)
            return
        }
        for frame in frames { handle(frame) }
    }

    private func handle(_ frame: SPDYFrame) {
        switch frame {
        case .synStream(let id, _, let block):
            guard let fields = try? headers.decode(block) else {
                send(.rstStream(streamID: id, status: 1))  // PROTOCOL_ERROR
                return
            }
            let type = fields["streamtype"]?.first ?? ""
            let requestID = fields["requestid"]?.first ?? String(id)
            guard let port = fields["port"]?.first.flatMap({ UInt16($0) }), port > 0, type == "data" || type == "error" else {
                send(.rstStream(streamID: id, status: 1))
                return
            }
            if let reply = try? headers.encode([]) { send(.synReply(streamID: id, flags: 0, headerBlock: reply)) }
            let relay = relays[requestID] ?? Relay(requestID: requestID, port: port)
            relays[requestID] = relay
            byStream[id] = relay
            if type == "error" { relay.errorStream = id } else { relay.dataStream = id }
            if relay.dataStream != nil, relay.errorStream != nil, relay.child == nil { connect(relay) }
        case .data(let id, let flags, let payload):
            guard let relay = byStream[id], id == relay.dataStream else { return }
            let fd = relay.stdin
            if !payload.isEmpty, fd >= 0 { relay.input.async { _ = StreamFD.writeAll(fd, payload) } }
            if flags & SPDYFrame.finFlag != 0 { closeInput(relay) }
        case .rstStream(let id, _):
            guard let relay = byStream[id] else { return }
            stop(relay)
        case .ping(let id):
            send(.ping(id: id))
        case .goAway:
            clientGone()
        case .synReply, .other:
            break
        }
    }

    private func send(_ frame: SPDYFrame) {
        link?.sendRaw(frame.encoded)
    }

    private func connect(_ relay: Relay) {
        guard let loop, let dataStream = relay.dataStream, let errorStream = relay.errorStream else { return }
        do {
            let socat = try SocatRelay.start(netns: plan.sandbox.netns, port: relay.port)
            relay.child = socat.child
            relay.stdin = socat.stdin
            let stdout = socat.stdout, stderr = socat.stderr
            let pod = "\(plan.namespace)/\(plan.pod)"
            let sandbox = plan.sandbox
            let thread = Thread { [self] in
                // Output to the client; each chunk waits for its write (a slow client slows socat).
                var buffer = [UInt8](repeating: 0, count: 64 << 10)
                while true {
                    let n = read(stdout, &buffer, buffer.count)
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { break }
                    let frame = SPDYFrame.data(streamID: dataStream, flags: 0, payload: Array(buffer[0..<n])).encoded
                    let written = DispatchSemaphore(value: 0)
                    loop.execute { [self] in
                        if let future = link?.sendRaw(frame) { future.whenComplete { _ in written.signal() } } else { written.signal() }
                    }
                    written.wait()
                }
                close(stdout)
                var errorText: [UInt8] = []
                while true {
                    let n = read(stderr, &buffer, buffer.count)
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { break }
                    errorText += buffer[0..<n]
                }
                close(stderr)
                let code = relay.child?.waitForExit() ?? 0
                let why = String(decoding: errorText, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                loop.execute { [self] in
                    if code != 0 {
                        let message = "error forwarding port \(relay.port) to pod \(pod), uid \(sandbox.uid): failed to connect to localhost:\(relay.port) inside namespace \(sandbox.netns): \(why)"
                        send(.data(streamID: errorStream, flags: 0, payload: Array(message.utf8)))
                    }
                    send(.data(streamID: dataStream, flags: SPDYFrame.finFlag, payload: []))
                    send(.data(streamID: errorStream, flags: SPDYFrame.finFlag, payload: []))
                    forget(relay)
                }
            }
            thread.name = "spdy-portforward-\(relay.port)"
            thread.start()
        } catch {
            let message = "error forwarding port \(relay.port) to pod \(plan.namespace)/\(plan.pod): \(error)"
            send(.data(streamID: errorStream, flags: SPDYFrame.finFlag, payload: Array(message.utf8)))
            send(.data(streamID: dataStream, flags: SPDYFrame.finFlag, payload: []))
            forget(relay)
        }
    }

    /// The client's end of the data: socat sees EOF once the queued writes are done.
    private func closeInput(_ relay: Relay) {
        let fd = relay.stdin
        relay.stdin = -1
        if fd >= 0 { relay.input.async { close(fd) } }
    }

    private func stop(_ relay: Relay) {
        closeInput(relay)
        if let child = relay.child, !child.hasExited, let loop { child.terminate(on: loop) }
    }

    private func forget(_ relay: Relay) {
        relays[relay.requestID] = nil
        for id in [relay.dataStream, relay.errorStream].compactMap({ $0 }) { byStream[id] = nil }
    }

    func clientGone() {
        guard !gone else { return }
        gone = true
        for relay in relays.values { stop(relay) }
    }
}
