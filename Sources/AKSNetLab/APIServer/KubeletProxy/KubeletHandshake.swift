import Foundation
import KubeModel
import NIOCore
import NIOHTTP1

/// The first bytes on a connection to a kubelet: the upgrade request kube-apiserver passes on,
/// and the kubelet's answer head. Then it holds whatever followed the head (the session may speak
/// first) and stops reading, until the relay takes its place; removing it hands those bytes on.
final class KubeletHandshake: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The kubelet's status line and headers; `body`: what came after them in the same reads.
    struct Answer {
        var status: Int
        var headers: [(String, String)]
        var body: ByteBuffer

        func header(_ name: String) -> String? { headers.last { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    static let maxHead = 64 * 1024

    private let answer: EventLoopPromise<Answer>
    private var received: ByteBuffer?
    private var answered = false
    private var readHeld = false

    init(answer: EventLoopPromise<Answer>) { self.answer = answer }

    /// The request line and headers of an upgrade to `uri` on the kubelet at `host`.
    static func request(uri: String, host: String, forwarding client: HTTPRequestHead) -> String {
        var lines = ["GET \(uri) HTTP/1.1", "Host: \(host)", "Connection: Upgrade", "Upgrade: websocket",
                     "Sec-WebSocket-Version: 13"]
        for name in ["Sec-WebSocket-Key", "Sec-WebSocket-Protocol", "User-Agent"] {
            for value in client.headers[name] { lines.append("\(name): \(value)") }
        }
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = unwrapInboundIn(data)
        if received == nil {
            received = chunk
        } else {
            received?.writeBuffer(&chunk)
        }
        guard !answered, var buffer = received else { return }
        let view = buffer.readableBytesView
        guard let end = view.firstRange(of: [13, 10, 13, 10]) else {
            if buffer.readableBytes > Self.maxHead { fail(context, "the kubelet's answer has no end of headers") }
            return
        }
        let headLength = end.upperBound - view.startIndex
        guard let head = buffer.readString(length: headLength), let parsed = Self.parse(head) else {
            return fail(context, "the kubelet's answer is not HTTP")
        }
        answered = true
        received = buffer
        // The body of a refusal is read whole by the caller (the kubelet closes after it).
        if parsed.status == 101 { readHeld = true }
        answer.succeed(Answer(status: parsed.status, headers: parsed.headers, body: buffer))
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !answered {
            answered = true
            answer.fail(KubeletDialError(message: "the kubelet closed the connection before answering"))
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context, "\(error)")
    }

    func read(context: ChannelHandlerContext) {
        if answered && readHeld { return }
        context.read()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if !answered {
            answered = true
            answer.fail(KubeletDialError(message: "the kubelet connection was given up"))
        }
        if let rest = received, rest.readableBytes > 0 {
            received = nil
            context.fireChannelRead(wrapInboundOut(rest))
            context.fireChannelReadComplete()
        }
        if readHeld { context.read() }
    }

    private func fail(_ context: ChannelHandlerContext, _ why: String) {
        if !answered {
            answered = true
            answer.fail(KubeletDialError(message: why))
        }
        context.close(promise: nil)
    }

    static func parse(_ head: String) -> (status: Int, headers: [(String, String)])? {
        var lines = head.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        guard !lines.isEmpty else { return nil }
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), let status = Int(statusLine[1]) else { return nil }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]).trimmed, String(line[line.index(after: colon)...]).trimmed)
        }
        return (status, headers)
    }
}
