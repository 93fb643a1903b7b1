import Foundation
import KubeModel
import KubeWire
import NIOHTTP1

/// An exec, attach or port-forward request the API server passed every check on (the caller,
/// the pod, its node, the container's name, the query, the handshake): what it hands on to the
/// pod's kubelet, which alone decides whether the pod and container run.
struct StreamRequest: Sendable {
    enum Kind: String, Sendable { case exec, attach, portForward = "portforward" }

    var kind: Kind
    /// The negotiated subprotocol; "" when the client offered none (plain-text error channel).
    var subprotocol: String
    /// `Sec-WebSocket-Key`, for the accept value.
    var key: String
    var namespace: String
    var pod: String
    /// The pod's `spec.nodeName`: whose kubelet gets the request.
    var node: String
    /// exec/attach: the command run in the pod's network namespace.
    var argv: [String] = []
    var stdin = false
    var stdout = false
    var stderr = false
    var tty = false
    /// exec/attach: the container asked for (the first one when empty).
    var containerName = ""
    /// portforward: the pod's ports, in the order of the channels.
    var ports: [UInt16] = []
}

/// The kubelet's side: a request for a pod it runs, with that pod's sandbox. What the WebSocket
/// session runs once the 101 is sent; the request's fields read through (`plan.argv`).
@dynamicMemberLookup
struct StreamPlan: Sendable {
    typealias Kind = StreamRequest.Kind

    var request: StreamRequest
    var sandbox: PodSandbox
    /// exec/attach: the container's main process, whose mount namespace (hostPath volumes) the
    /// command joins; 0 when unknown (then only the pod's network namespace is entered).
    var containerPID: Int32 = 0

    subscript<T>(dynamicMember path: KeyPath<StreamRequest, T>) -> T { request[keyPath: path] }
}

/// Where the lab kubelet's `PodSandboxLookup` is plugged in; settable after the server started.
public final class SandboxRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var current: (any PodSandboxLookup)?

    public init(_ lookup: (any PodSandboxLookup)? = nil) { current = lookup }

    public var lookup: (any PodSandboxLookup)? {
        get { lock.withLock { current } }
        set { lock.withLock { current = newValue } }
    }
}

/// The checks kube-apiserver makes on `pods/exec`, `pods/attach` and `pods/portforward` before
/// it passes the upgrade on to the kubelet, in the same order: the pod, the query, the pod's
/// node, then the WebSocket handshake and its subprotocol. RBAC is checked by the caller. Not
/// the pod's phase nor its containers' state: the kubelet answers for those (`KubeletStreamRoute`).
enum StreamRoute {
    /// exec/attach, best first; below v4 (and with no subprotocol) channel 3 carries plain text.
    static let execProtocols = ["v5.channel.k8s.io", "v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io",
                                "channel.k8s.io"]
    static let spdyTunnelProtocol = "SPDY/3.1+portforward.k8s.io"
    static let portForwardProtocols = ["v4.channel.k8s.io", spdyTunnelProtocol]

    static func plan(store: LabStore, request: APIRequest, namespace: String, name: String, subresource: String) throws -> APIResponse {
        guard request.method == .GET || request.method == .POST else { throw APIError.methodNotAllowed() }
        let pod = try store.get(.pods, namespace: namespace, name: name)
        guard let kind = StreamRequest.Kind(rawValue: subresource) else { throw APIError.pathNotFound() }

        if kind == .portForward {
            let raw = request.query["ports"] ?? []
            // kubectl 1.31+ tunnels SPDY through the WebSocket: ports come in each stream's headers.
            let tunnelled = (request.headers["Sec-WebSocket-Protocol"].first ?? "").contains(spdyTunnelProtocol)
            guard !raw.isEmpty || tunnelled else { return .text(.badRequest, "query parameter \"port\" is required\n") }
            var ports: [UInt16] = []
            for value in raw {
                for piece in value.split(separator: ",", omittingEmptySubsequences: false) {
                    let text = piece.trimmed
                    guard let port = Int(text) else {
                        return .text(.badRequest, "unable to parse \"\(value)\" as a port: strconv.ParseUint: parsing \"\(text)\": invalid syntax\n")
                    }
                    guard port > 0, port < 65536 else { return .text(.badRequest, "port \"\(text)\" must be > 0 and < 65536\n") }
                    ports.append(UInt16(port))
                }
            }
            let node = try node(of: pod)
            switch try negotiate(request, allowed: portForwardProtocols) {
            case .refused(let response): return response
            case .chosen(let proto, let key):
                return .stream(StreamRequest(kind: kind, subprotocol: proto, key: key, namespace: namespace, pod: name,
                                             node: node, ports: ports))
            }
        }

        let spec = pod["spec"] ?? .null
        let main = spec["containers"]?.arrayValue ?? []
        let all = main + (spec["initContainers"]?.arrayValue ?? []) + (spec["ephemeralContainers"]?.arrayValue ?? [])
        var container: JSONValue?
        if let wanted = request.parameter("container"), !wanted.isEmpty {
            guard let found = all.first(where: { $0["name"]?.stringValue == wanted }) else {
                throw APIError.badRequest("container \(wanted) is not valid for pod \(name)")
            }
            container = found
        } else if main.count > 1 {
            let names = main.compactMap { $0["name"]?.stringValue }.joined(separator: " ")
            var message = "a container name must be specified for pod \(name), choose one of: [\(names)]"
            let inits = (spec["initContainers"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
            if !inits.isEmpty { message += " or one of the init containers: [\(inits.joined(separator: " "))]" }
            throw APIError.badRequest(message)
        } else {
            container = main.first
        }
        let containerName = container?["name"]?.stringValue ?? ""
        let stdin = flag(request, "stdin"), stdout = flag(request, "stdout"), tty = flag(request, "tty")
        var stderr = flag(request, "stderr")
        guard stdin || stdout || stderr else {
            throw APIError.badRequest("you must specify at least 1 of stdin, stdout, stderr")
        }
        if tty { stderr = false }  // like the kubelet: a tty has no separate stderr
        var argv: [String]
        if kind == .exec {
            argv = request.query["command"] ?? []
            guard !argv.isEmpty else { throw APIError.badRequest("you must specify at least one command for the container") }
        } else {
            argv = []
        }
        let node = try node(of: pod)
        switch try negotiate(request, allowed: execProtocols) {
        case .refused(let response): return response
        case .chosen(let proto, let key):
            return .stream(StreamRequest(kind: kind, subprotocol: proto, key: key, namespace: namespace, pod: name, node: node,
                                         argv: argv, stdin: stdin, stdout: stdout, stderr: stderr, tty: tty,
                                         containerName: containerName))
        }
    }

    /// apimachinery's query conversion: absent, "false" and "0" are false, anything else true.
    static func flag(_ request: APIRequest, _ name: String) -> Bool {
        guard let value = request.query[name]?.last else { return false }
        return !["false", "0"].contains(value.lowercased())
    }

    /// The node whose kubelet serves the stream. kube-apiserver checks only that the pod has one
    /// (not its phase: a status can lag the runtime by a relist); the kubelet then asks its
    /// runtime and refuses what does not run, and the API server passes its answer on: 404 "pod
    /// does not exist", 500 "container not found" (kubectl adds "unable to upgrade connection: ").
    static func node(of pod: JSONValue) throws -> String {
        guard let node = pod["spec"]?["nodeName"]?.stringValue, !node.isEmpty else {
            throw APIError.badRequest("pod \(pod.name) does not have a host assigned")
        }
        return node
    }

    enum Negotiation {
        case chosen(String, key: String)
        case refused(APIResponse)
    }

    /// The WebSocket handshake checks; the subprotocol ("" if none was offered), or the refusal:
    /// only unknown subprotocols → 403 with an empty body (golang.org/x/net/websocket).
    static func negotiate(_ request: APIRequest, allowed: [String]) throws -> Negotiation {
        func tokens(_ name: String) -> [String] {
            request.headers[name].flatMap { $0.split(separator: ",").map { $0.trimmed }.filter { !$0.isEmpty } }
        }
        let upgrade = tokens("Upgrade").map { $0.lowercased() }
        let connection = tokens("Connection").map { $0.lowercased() }
        guard request.method == .GET, upgrade.contains("websocket"), connection.contains("upgrade") else {
            throw APIError.badRequest("Upgrade request required")
        }
        let key = request.headers["Sec-WebSocket-Key"].first?.trimmed ?? ""
        guard request.headers["Sec-WebSocket-Version"].first?.trimmed == "13",
              let decoded = Data(base64Encoded: key), decoded.count == 16 else {
            return .refused(.text(.badRequest, "Bad Request: websocket: missing or invalid Sec-WebSocket-Key/Sec-WebSocket-Version\n"))
        }
        let offered = tokens("Sec-WebSocket-Protocol")
        if offered.isEmpty { return .chosen("", key: key) }
        guard let chosen = allowed.first(where: { offered.contains($0) }) else { return .refused(.empty(.forbidden)) }
        return .chosen(chosen, key: key)
    }
}
