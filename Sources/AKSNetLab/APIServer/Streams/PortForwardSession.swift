#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KubeWire
import NIOCore

/// port-forward (`v4.channel.k8s.io`): port i ↔ 127.0.0.1:PORT inside the pod's network
/// namespace, data on channel 2i, errors on 2i+1, each preceded by the `[ch, lo, hi]`
/// preamble. The API server lives in the root namespace, which has no route to pods, so each
/// port gets a relay child `ip netns exec <netns> socat STDIO TCP:127.0.0.1:PORT` whose
/// stdin/stdout are pumped. The connection ends (close 1000) when every port is done.
final class PortForwardSession: StreamSession, @unchecked Sendable {
    final class Port: @unchecked Sendable {
        let index: Int
        let port: UInt16
        var child: StreamChild?
        var input: InputPump?
        var openReaders = 0
        var exitCode: Int32?
        var errorText: [UInt8] = []
        var done = false
        var paused = false
        init(index: Int, port: UInt16) {
            self.index = index
            self.port = port
        }
    }

    let plan: StreamPlan
    private weak var link: WebSocketStreamHandler?
    private var loop: (any EventLoop)?
    private let credit = OutputCredit()
    private var ports: [Port] = []
    private var ended = false

    init(plan: StreamPlan) { self.plan = plan }

    func start(_ link: WebSocketStreamHandler) {
        self.link = link
        guard let loop = link.eventLoop else { return }
        self.loop = loop
        ports = plan.ports.enumerated().map { Port(index: $0.offset, port: $0.element) }
        for port in ports {
            link.send(channel: UInt8(2 * port.index), Array(PortForwardDemux.preamble(channel: 0, port: port.port).dropFirst()))
            link.send(channel: UInt8(2 * port.index + 1), Array(PortForwardDemux.preamble(channel: 0, port: port.port).dropFirst()))
        }
        for port in ports { connect(port, loop: loop) }
    }

    private func connect(_ port: Port, loop: any EventLoop) {
        do {
            let relay = try SocatRelay.start(netns: plan.sandbox.netns, port: port.port)
            port.child = relay.child
            let index = port.index
            port.input = InputPump(fd: relay.stdin, name: "pf-in-\(port.port)") { [self] in
                loop.execute { [self] in resume(index) }
            }
            port.openReaders = 2
            FDReader.start(fd: relay.stdout, name: "pf-out-\(port.port)", loop: loop, credit: credit,
                           deliver: { [self] chunk in link?.send(channel: UInt8(2 * index), chunk) },
                           finished: { [self] in readerDone(port) })
            // The relay's complaints (connection refused…), kept for the error channel.
            FDReader.start(fd: relay.stderr, name: "pf-err-\(port.port)", loop: loop, credit: OutputCredit(),
                           deliver: { chunk in
                               if port.errorText.count < 4096 { port.errorText += chunk }
                               return nil
                           },
                           finished: { [self] in readerDone(port) })
        } catch {
            port.errorText = Array("\(error)".utf8)
            port.exitCode = 1
            port.openReaders = 0
            portFinished(port)
            return
        }
        guard let child = port.child else { return }
        let thread = Thread { [self] in
            let code = child.waitForExit()
            loop.execute { [self] in
                port.exitCode = code
                if port.openReaders == 0 { portFinished(port) }
            }
        }
        thread.name = "pf-wait-\(port.port)"
        thread.start()
    }

    private func readerDone(_ port: Port) {
        port.openReaders -= 1
        if port.openReaders == 0, port.exitCode != nil { portFinished(port) }
    }

    private func portFinished(_ port: Port) {
        guard !port.done else { return }
        port.done = true
        port.input?.abandon()
        port.input = nil
        if let code = port.exitCode, code != 0, !ended {
            let relay = String(decoding: port.errorText, as: UTF8.self)
            let why: String
            if relay.contains("Connection refused") {
                why = "connect: connection refused"
            } else if relay.contains("timed out") {
                why = "i/o timeout"
            } else {
                why = relay.split(separator: "\n").last.map { "connect: " + $0.lowercased() } ?? "exit status \(code)"
            }
            // Only a relay that never connected speaks on the error channel (a reset after data is a plain end).
            if relay.contains("connect(") || relay.contains("Connection refused") || port.child == nil {
                let message = "error forwarding port \(port.port) to pod \(plan.pod), uid : failed to connect to localhost:\(port.port) inside namespace \"/var/run/netns/\(plan.sandbox.netns)\", IPv4: dial tcp4 127.0.0.1:\(port.port): \(why) IPv6 dial tcp6: address localhost: no suitable address "
                link?.send(channel: UInt8(2 * port.index + 1), Array(message.utf8))
            }
        }
        if ports.allSatisfy(\.done), !ended {
            ended = true
            link?.sendClose(code: 1000)
        }
    }

    private func resume(_ index: Int) {
        guard index < ports.count else { return }
        ports[index].paused = false
        if !ports.contains(where: \.paused) { link?.setReading(true) }
    }

    func received(_ message: [UInt8]) {
        guard let channel = message.first else { return }
        let index = Int(channel) / 2
        guard channel % 2 == 0, index < ports.count, message.count > 1 else { return }
        let port = ports[index]
        guard !port.done, let input = port.input else { return }
        if input.push(Array(message.dropFirst())) {
            port.paused = true
            link?.setReading(false)
        }
    }

    func clientGone() {
        ended = true
        credit.cancel()
        for port in ports {
            port.input?.abandon()
            port.input = nil
            if let child = port.child, !child.hasExited, let loop { child.terminate(on: loop) }
        }
    }
}
