import TestSupport
import Foundation
import KubeModel
import NIOHTTP1
import Testing
@testable import AKSNetLab

#if canImport(Glibc)
import Glibc
#endif

/// A lab kubelet stand-in: pod default/p runs in the network namespace the test made.
final class TestSandboxes: PodSandboxLookup, @unchecked Sendable {
    private let lock = NSLock()
    private var netns: String?
    /// The container's main process (a kubelet execs only into a running one): 0 = not running.
    private var main: (pid: Int32, logPath: String) = (0, "")

    func set(_ name: String?) { lock.withLock { netns = name } }
    /// The main process attach follows (its log file, until the process is gone).
    func setMain(pid: Int32, logPath: String) { lock.withLock { main = (pid, logPath) } }

    func sandbox(namespace: String, name: String) -> PodSandbox? {
        guard namespace == "default", name == "p", let netns = lock.withLock({ netns }) else { return nil }
        let main = lock.withLock { self.main }
        return PodSandbox(namespace: namespace, name: name, uid: "uid-p", netns: netns, nodeName: "node-0", hostNetwork: false,
                          containers: [.init(name: "main", pid: main.pid, command: ["sleep", "3600"], logPath: main.logPath)])
    }
}

/// One API server for the suite, with pod p (Running) in the store.
actor StreamsEnvironment {
    static let shared = StreamsEnvironment()
    let sandboxes = TestSandboxes()
    /// The running pod's main process (set by `withPod`; the suite is serialized).
    nonisolated(unsafe) var podMain: Int32 = 0
    private var fixture: LabFixture?

    func get() async throws -> LabFixture {
        if let fixture { return fixture }
        let made = try await LabFixture.make()
        made.server.sandboxes = sandboxes
        try made.store.create(.pods, namespace: "default", object: [
            "metadata": ["name": "p"],
            "spec": ["nodeName": "node-0", "containers": [["name": "main", "image": "busybox", "command": ["sleep", "3600"]]]],
        ])
        try made.store.patch(.pods, namespace: "default", name: "p", type: .merge, patch: ["status": ["phase": "Running"]],
                             subresource: "status")
        fixture = made
        return made
    }
}

@Suite(.serialized)
struct StreamsTests {
    /// A fresh network namespace (loopback up) holding pod p for the body's duration.
    func withPod<T>(_ body: (LabFixture, String) async throws -> T) async throws -> T {
        let fixture = try await StreamsEnvironment.shared.get()
        let netns = "aksnet-st-\(UInt32.random(in: 0...UInt32.max))"
        #expect(try Shell.run("/usr/sbin/ip", ["netns", "add", netns]).status == 0)
        defer {
            StreamsEnvironment.shared.sandboxes.set(nil)
            _ = try? Shell.run("/usr/sbin/ip", ["netns", "del", netns])
        }
        #expect(try Shell.run("/usr/sbin/ip", ["-n", netns, "link", "set", "lo", "up"]).status == 0)
        // The pod's main process, in its network namespace: exec joins it, as a runtime's does.
        let main = try Background("/usr/sbin/ip", ["netns", "exec", netns, "sleep", "600"])
        defer {
            main.stop()
            StreamsEnvironment.shared.sandboxes.setMain(pid: 0, logPath: "")
        }
        StreamsEnvironment.shared.podMain = main.pid
        StreamsEnvironment.shared.sandboxes.setMain(pid: main.pid, logPath: "")
        StreamsEnvironment.shared.sandboxes.set(netns)
        return try await body(fixture, netns)
    }

    // MARK: refusals before the upgrade (router, no I/O)

    func route(_ path: String, user: LabUser = LabUser(name: "admin", groups: ["system:masters"]),
               protocols: String? = "v5.channel.k8s.io, v4.channel.k8s.io", store: LabStore) -> APIResponse {
        var headers = HTTPHeaders([("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Version", "13"),
                                   ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")])
        if let protocols { headers.add(name: "Sec-WebSocket-Protocol", value: protocols) }
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
        return Router(store: store, serverAddress: "127.0.0.1:1").handle(APIRequest(head: head, body: [], user: user))
    }

    @Test func refusalsBeforeTheUpgrade() async throws {
        let fixture = try await StreamsEnvironment.shared.get()
        let store = fixture.store
        let registry = SandboxRegistry(StreamsEnvironment.shared.sandboxes)
        StreamsEnvironment.shared.sandboxes.set("aksnet-st-unused")
        StreamsEnvironment.shared.sandboxes.setMain(pid: getpid(), logPath: "")  // routed only, never run
        defer {
            StreamsEnvironment.shared.sandboxes.set(nil)
            StreamsEnvironment.shared.sandboxes.setMain(pid: 0, logPath: "")
        }
        let base = "/api/v1/namespaces/default/pods"
        func status(_ response: APIResponse) -> (Int, String) {
            switch response {
            case .json(let code, let value): return (Int(code.code), value["message"]?.stringValue ?? "")
            case .text(let code, let text): return (Int(code.code), text)
            case .empty(let code): return (Int(code.code), "")
            case .stream: return (101, "")
            default: return (0, "")
            }
        }
        let viewer = LabUser(name: "viewer", groups: [])
        #expect(status(route("\(base)/p/exec?command=ls&stdout=true", user: viewer, store: store))
            == (403, "pods \"p\" is forbidden: User \"viewer\" cannot get resource \"pods/exec\" in API group \"\" in the namespace \"default\""))
        #expect(status(route("\(base)/p/attach?stdout=true", user: viewer, store: store)).1
            .contains("cannot get resource \"pods/attach\""))
        #expect(status(route("\(base)/p/portforward?ports=80", user: viewer, store: store)).1
            .contains("cannot get resource \"pods/portforward\""))
        #expect(status(route("\(base)/p/exec?command=ls&stdout=true&container=x", store: store))
            == (400, "container x is not valid for pod p"))
        #expect(status(route("\(base)/p/exec?command=ls", store: store)).0 == 400)
        #expect(status(route("\(base)/missing/exec?command=ls&stdout=true", store: store))
            == (404, "pods \"missing\" not found"))
        #expect(status(route("\(base)/p/exec?command=ls&stdout=true", protocols: "v9.channel.k8s.io", store: store)) == (403, ""))
        #expect(status(route("\(base)/p/portforward", protocols: "v4.channel.k8s.io", store: store))
            == (400, "query parameter \"port\" is required\n"))
        #expect(status(route("\(base)/p/portforward?ports=80", protocols: "portforward.k8s.io", store: store)) == (403, ""))
        if case .stream(let plan) = route("\(base)/p/exec?command=ls&stdout=true", store: store) {
            #expect(plan.subprotocol == "v5.channel.k8s.io" && plan.argv == ["ls"])
        } else {
            Issue.record("exec was not upgraded")
        }
        if case .stream(let plan) = route("\(base)/p/exec?command=ls&stdout=true", protocols: nil, store: store) {
            #expect(plan.subprotocol == "")
        } else {
            Issue.record("exec without subprotocol was not upgraded")
        }
        // The API server passes the request to the pod's node whatever its kubelet runs: the
        // kubelet answers. No sandbox (it does not run the pod): 404, whatever the phase says.
        if case .stream(let request) = route("\(base)/p/exec?command=ls&stdout=true", store: store) {
            #expect(request.node == "node-0" && KubeletURL.path(for: request) == "/exec/default/p/main?command=ls&output=1", "\(request)")
        } else {
            Issue.record("exec was not passed on")
        }
        func kubelet(_ uri: String, _ sandboxes: SandboxRegistry, protocols: String = "v5.channel.k8s.io") -> (Int, String) {
            let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: HTTPHeaders([
                ("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Version", "13"),
                ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), ("Sec-WebSocket-Protocol", protocols)]))
            switch KubeletStreamRoute(node: nil, sandboxes: sandboxes).plan(head) {
            case .success: return (101, "")
            case .failure(let refusal): return status(refusal.response)
            }
        }
        #expect(kubelet("/exec/default/p/main?command=ls&output=1", SandboxRegistry()) == (404, "pod does not exist\n"))
        #expect(kubelet("/portForward/default/p?port=80", SandboxRegistry(), protocols: "v4.channel.k8s.io") == (404, "pod does not exist\n"))
        #expect(kubelet("/exec/default/p/main?command=ls&output=1", registry).0 == 101)
        // The sandbox but no running main process (not started yet, or ended): 500, a plain error.
        StreamsEnvironment.shared.sandboxes.setMain(pid: 0, logPath: "")
        defer { StreamsEnvironment.shared.sandboxes.setMain(pid: getpid(), logPath: "") }  // the outer defer ends it
        #expect(kubelet("/exec/default/p/main?command=ls&output=1", registry) == (500, "container not found (\"main\")\n"))
        #expect(kubelet("/portForward/default/p?port=80", registry, protocols: "v4.channel.k8s.io").0 == 101,
                "port-forward needs the sandbox only")
    }

    /// A container that does not run, end to end: kube-apiserver 1.30+ upgrades a v5 exec itself
    /// and asks the kubelet after (its stream translator), so the kubelet's refusal comes after
    /// the 101 as a 500 InternalError Status; a v4 exec is proxied as it is and refused before the
    /// upgrade. kubectl 1.32 (v5) prints the refusal (no fall back to SPDY); ours too, and its
    /// early start counts it as "not yet" (EarlyStartTests).
    @Test(.enabled(if: LabFixture.kubectlPath != nil, "needs kubectl.1.32"))
    func aContainerThatDoesNotRunIsRefusedAsKubeAPIServerDoes() async throws {
        try await withPod { fixture, _ in
            StreamsEnvironment.shared.sandboxes.setMain(pid: 0, logPath: "")
            defer { StreamsEnvironment.shared.sandboxes.setMain(pid: StreamsEnvironment.shared.podMain, logPath: "") }
            let refused = #"unable to upgrade connection: container not found ("main")"#
            let kubectl = try fixture.kubectl(["exec", "p", "--", "true"])
            #expect(kubectl.status == 1 && kubectl.stderr.contains("Internal error occurred: " + refused), "\(kubectl)")
            #expect(!kubectl.stderr.contains("Upgrade request required"), "no fall back to SPDY: \(kubectl.stderr)")
            let ours = try Shell.run(PluginOnLabTests.plugin, ["exec", "--kubeconfig", fixture.kubeconfig, "p", "--", "true"], timeout: 20)
            #expect(ours.status == 1 && ours.stderr.contains(refused), "\(ours)")
            // v4: the kubelet's answer before the upgrade, passed on.
            let v4 = route("/api/v1/namespaces/default/pods/p/exec?command=true&stdout=true", protocols: "v4.channel.k8s.io",
                           store: fixture.store)
            guard case .stream(let request) = v4 else { Issue.record("v4 exec not passed on"); return }
            #expect(!StreamUpgrader.translates(request))
            #expect(StreamUpgrader.translates(StreamRequest(kind: .exec, subprotocol: "v5.channel.k8s.io", key: "", namespace: "default",
                                                            pod: "p", node: "node-0")))
        }
    }

    // MARK: kubectl 1.32 exec over WebSocket

    @Test(.enabled(if: LabFixture.kubectlPath != nil, "needs kubectl.1.32"))
    func kubectlExec() async throws {
        try await withPod { fixture, netns in
            let hi = try fixture.kubectl(["exec", "p", "--", "echo", "hi"])
            #expect(hi.status == 0 && hi.stdout == "hi\n", "\(hi.stderr)")

            let split = try fixture.kubectl(["exec", "p", "--", "sh", "-c", "echo out; echo err >&2; exit 7"])
            #expect(split.status == 7)
            #expect(split.stdout == "out\n")
            #expect(split.stderr.contains("err\n") && split.stderr.contains("command terminated with exit code 7"), "\(split.stderr)")

            let cat = try fixture.kubectl(["exec", "-i", "p", "--", "cat"], stdin: "abc\n")
            #expect(cat.status == 0 && cat.stdout == "abc\n", "\(cat.stderr)")

            let missing = try fixture.kubectl(["exec", "p", "--", "nosuchcmd"])
            #expect(missing.status != 0)
            #expect(missing.stderr.contains("executable file not found"), "\(missing.stderr)")

            let addr = try fixture.kubectl(["exec", "p", "--", "ip", "-4", "-o", "addr"])
            #expect(addr.status == 0, "\(addr.stderr)")
            let interfaces = addr.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").dropFirst().first }
            #expect(interfaces == ["lo"], "\(addr.stdout)")

            let denied = try fixture.kubectl(["--user", "viewer", "exec", "p", "--", "echo", "hi"])
            #expect(denied.status != 0)
            #expect(denied.stderr.contains("forbidden") && denied.stderr.contains("pods/exec"), "\(denied.stderr)")

            // attach follows the main process's output from now on, until it ends.
            let log = fixture.directory + "/p-main.log"
            try "before attach\n".write(toFile: log, atomically: true, encoding: .utf8)
            let main = try Background("/bin/sleep", ["3"])
            defer { main.stop() }
            StreamsEnvironment.shared.sandboxes.setMain(pid: main.pid, logPath: log)
            defer { StreamsEnvironment.shared.sandboxes.setMain(pid: StreamsEnvironment.shared.podMain, logPath: "") }
            let attach = try fixture.kubectlInBackground(["attach", "p", "-c", "main"])
            usleep(1_000_000)
            if let handle = FileHandle(forWritingAtPath: log) {
                handle.seekToEndOfFile()
                handle.write(Data("attached\n".utf8))
                try? handle.close()
            }
            #expect(attach.wait(timeout: 15) == 0, "attach ends with the process: \(attach.errors)")
            #expect(attach.output.contains("attached") && !attach.output.contains("before attach"), "\(attach.output) \(attach.errors)")
            _ = netns
        }
    }

    /// The client going away ends the process (SIGTERM, SIGKILL after 1 s) and the server reaps it.
    @Test(.enabled(if: LabFixture.kubectlPath != nil, "needs kubectl.1.32"))
    func clientDisconnectKillsTheProcess() async throws {
        try await withPod { fixture, _ in
            let running = try fixture.kubectlInBackground(["exec", "p", "--", "sh", "-c", "echo pid=$$; trap '' TERM; exec sleep 300"])
            #expect(running.waitFor("pid=", timeout: 10))
            let text = running.output
            running.stop()
            guard let range = text.range(of: "pid="),
                  let pid = Int32(text[range.upperBound...].prefix(while: \.isNumber)) else {
                Issue.record("no pid in \(text)")
                return
            }
            var gone = false
            for _ in 0..<50 {
                if kill(pid, 0) != 0 && errno == ESRCH {
                    gone = true
                    break
                }
                usleep(100_000)
            }
            #expect(gone, "pid \(pid) still there")
        }
    }

    // MARK: the official Python client

    /// The package's own venv (install.sh makes it), not another checkout's.
    static let python = LabFixture.packageRoot.appendingPathComponent(".venv/bin/python").path

    static let clientScript = #"""
    import hashlib, sys, time, json, socket
    from kubernetes import client, config
    from kubernetes.stream import stream, portforward
    kubeconfig, port, refused, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    config.load_kube_config(config_file=kubeconfig)
    api = client.CoreV1Api()
    out = {}
    # exec with a tty and a resize
    resp = stream(api.connect_get_namespaced_pod_exec, "p", "default", command=["sh", "-c", "sleep 0.5; stty size; tty"],
                  stdin=True, stdout=True, stderr=False, tty=True, _preload_content=False)
    resp.write_channel(4, json.dumps({"Width": 123, "Height": 45}))
    text = ""
    while resp.is_open():
        resp.update(timeout=1)
        text += resp.read_stdout(timeout=0.1) or ""
    out["tty"] = text
    out["ttyExit"] = resp.returncode
    # port-forward: an HTTP GET of the file, byte-exact
    pf = portforward(api.connect_get_namespaced_pod_portforward, "p", "default", ports="%d,%d" % (port, refused))
    s = pf.socket(port)
    s.setblocking(True)
    start = time.time()
    s.sendall(b"GET /blob HTTP/1.0\r\nHost: p\r\n\r\n")
    chunks = []
    while True:
        data = s.recv(1 << 20)
        if not data:
            break
        chunks.append(data)
    elapsed = time.time() - start
    body = b"".join(chunks)
    head, _, payload = body.partition(b"\r\n\r\n")
    out["status"] = head.split(b"\r\n")[0].decode()
    out["sha"] = hashlib.sha256(payload).hexdigest()
    out["bytes"] = len(payload)
    out["seconds"] = elapsed
    out["refused"] = pf.error(refused) or ""
    s.close()
    with open(path, "rb") as f:
        out["want"] = hashlib.sha256(f.read()).hexdigest()
    print(json.dumps(out))
    """#

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: StreamsTests.python), "needs .venv with the kubernetes client"))
    func pythonClientTTYAndPortForward() async throws {
        try await withPod { fixture, netns in
            let directory = fixture.directory + "/www"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var blob = [UInt8](repeating: 0, count: 32 << 20)
            var generator = SystemRandomNumberGenerator()
            blob.withUnsafeMutableBytes { raw in
                let words = raw.bindMemory(to: UInt64.self)
                for i in words.indices { words[i] = generator.next() }
            }
            try Data(blob).write(to: URL(fileURLWithPath: directory + "/blob"))
            let port = Int.random(in: 20000...40000)
            let server = try LabProcess.start(["ip", "netns", "exec", netns, "/usr/bin/python3", "-m", "http.server",
                                               "--bind", "127.0.0.1", "--directory", directory, String(port)])
            defer {
                kill(server.pid, SIGKILL)
                server.stop(grace: 0)
            }
            // Wait until it listens inside the namespace.
            for _ in 0..<100 {
                let probe = try Shell.run("/usr/sbin/ip", ["netns", "exec", netns, "/usr/bin/python3", "-c",
                                                           "import socket; socket.create_connection(('127.0.0.1', \(port)), 1)"])
                if probe.status == 0 { break }
                usleep(100_000)
            }
            let result = try Shell.run(Self.python, ["-c", Self.clientScript, fixture.kubeconfig, String(port), String(port + 1),
                                                     directory + "/blob"], timeout: 60)
            #expect(result.status == 0, "\(result.stderr)")
            guard let line = result.stdout.split(separator: "\n").last,
                  let json = try? JSONValue.parse(Array(line.utf8)) else {
                Issue.record("no result: \(result.stdout) \(result.stderr)")
                return
            }
            #expect(json["tty"]?.stringValue?.contains("45 123\r\n") == true, "\(json)")
            #expect(json["tty"]?.stringValue?.contains("/dev/pts/") == true, "\(json)")
            #expect(json["status"]?.stringValue?.contains("200") == true, "\(json)")
            #expect(json["bytes"]?.intValue == 32 << 20)
            #expect(json["sha"] != nil && json["sha"] == json["want"], "\(json)")
            #expect(json["refused"]?.stringValue?.contains("connect: connection refused") == true, "\(json)")
            print("port-forward: 32 MiB in \(json["seconds"].map { "\($0)" } ?? "?") s")
        }
    }
}
