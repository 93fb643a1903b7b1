import KubeModel
import NIOHTTP1

/// The lab kubelet's side of exec/attach/port-forward: the API server has checked the caller and
/// the pod; the kubelet checks what it alone knows (the pod runs here, the container exists), then
/// negotiates the WebSocket subprotocol with the headers the API server passed on, and plans the
/// session it will run.
struct KubeletStreamRoute {
    /// The node this server stands for; nil serves every node (the API server's loopback kubelet).
    let node: String?
    let sandboxes: SandboxRegistry

    /// The plan, or the refusal to answer instead of the 101.
    func plan(_ head: HTTPRequestHead) -> Result<StreamPlan, KubeletRefusal> {
        guard let target = KubeletURL.parse(head.uri) else { return .failure(.notFound("404 page not found\n")) }
        let request = APIRequest(head: head, body: [], user: LabUser(name: "system:kube-apiserver", groups: []))
        switch target {
        case .exec(let namespace, let pod, let container, let command, let flags):
            guard !command.isEmpty else { return .failure(.badRequest("you must specify at least one command for the container\n")) }
            return plan(.exec, request, namespace, pod, container: container, flags: flags, argv: command)
        case .attach(let namespace, let pod, let container, let flags):
            return plan(.attach, request, namespace, pod, container: container, flags: flags, argv: [])
        case .portForward(let namespace, let pod, let ports):
            guard let sandbox = sandbox(namespace, pod) else { return .failure(.notFound("pod does not exist\n")) }
            switch negotiate(request, allowed: StreamRoute.portForwardProtocols) {
            case .failure(let refusal): return .failure(refusal)
            case .success(let (proto, key)):
                let request = StreamRequest(kind: .portForward, subprotocol: proto, key: key, namespace: namespace, pod: pod,
                                            node: sandbox.nodeName, ports: ports)
                return .success(StreamPlan(request: request, sandbox: sandbox))
            }
        case .logs:
            return .failure(.badRequest("container logs are not a stream upgrade\n"))
        }
    }

    private func plan(_ kind: StreamPlan.Kind, _ request: APIRequest, _ namespace: String, _ pod: String, container: String,
                      flags: KubeletURL.Flags, argv: [String]) -> Result<StreamPlan, KubeletRefusal> {
        guard let sandbox = sandbox(namespace, pod) else { return .failure(.notFound("pod does not exist\n")) }
        // The runtime's running containers (a kubelet's findContainer): one not started yet, or
        // ended, is not found — a plain error, so 500.
        guard let running = sandbox.container(container), running.pid > 0 else {
            return .failure(.internalError("container not found (\"\(container)\")\n"))
        }
        switch negotiate(request, allowed: StreamRoute.execProtocols) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let (proto, key)):
            let request = StreamRequest(kind: kind, subprotocol: proto, key: key, namespace: namespace, pod: pod, node: sandbox.nodeName,
                                        argv: argv, stdin: flags.stdin, stdout: flags.stdout, stderr: flags.stderr && !flags.tty,
                                        tty: flags.tty, containerName: running.name)
            return .success(StreamPlan(request: request, sandbox: sandbox, containerPID: running.pid))
        }
    }

    /// The pod's sandbox, when it runs on this node.
    /// The log file of a container the node runs (nil once it ended: the kubelet read it all then).
    func logPath(_ namespace: String, _ pod: String, _ container: String) -> String? {
        sandbox(namespace, pod)?.container(container)?.logPath
    }

    private func sandbox(_ namespace: String, _ pod: String) -> PodSandbox? {
        guard let sandbox = sandboxes.lookup?.sandbox(namespace: namespace, name: pod) else { return nil }
        if let node, sandbox.nodeName != node { return nil }
        return sandbox
    }

    private func negotiate(_ request: APIRequest, allowed: [String]) -> Result<(String, String), KubeletRefusal> {
        do {
            switch try StreamRoute.negotiate(request, allowed: allowed) {
            case .chosen(let proto, let key): return .success((proto, key))
            case .refused(let response): return .failure(.response(response))
            }
        } catch let error as APIError {
            return .failure(.badRequest(error.status.message + "\n"))
        } catch {
            return .failure(.badRequest("\(error)\n"))
        }
    }
}

/// Why the kubelet did not upgrade: a plain-text answer, as the kubelet's HTTP errors are.
enum KubeletRefusal: Error {
    case notFound(String)
    case badRequest(String)
    case internalError(String)
    case response(APIResponse)

    var response: APIResponse {
        switch self {
        case .notFound(let text): return .text(.notFound, text)
        case .badRequest(let text): return .text(.badRequest, text)
        case .internalError(let text): return .text(.internalServerError, text)
        case .response(let response): return response
        }
    }
}
