import TestSupport
import Foundation
import Synchronization
import KubeClient
import KubeModel
import Testing

/// exec and port-forward over our WebSocket client against the HTTPS fake
/// API server, whose "pods" run as local processes.
@Suite(.serialized) struct StreamTests {
    static func pod(_ name: String) -> JSONValue {
        ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": .string(name)],
         "spec": ["containers": [["name": "main", "image": "busybox", "command": ["sleep", "3600"]]]]]
    }

    struct Captured {
        var stdout: String
        var stderr: String
        var exit: Result<Int32, KubeError>
    }

    /// Runs an exec with pipes for stdin/stdout/stderr.
    static func run(_ client: KubeClient, _ command: [String], stdin: String? = nil) throws -> Captured {
        let out = Pipe(), err = Pipe(), input = Pipe()
        if let stdin {
            input.fileHandleForWriting.write(Data(stdin.utf8))
        }
        try? input.fileHandleForWriting.close()
        let request = ExecRequest(namespace: "default", pod: "p", command: command, stdin: stdin != nil)
        let io = ExecIO(stdinFD: stdin != nil ? input.fileHandleForReading.fileDescriptor : nil,
                        stdoutFD: out.fileHandleForWriting.fileDescriptor, stderrFD: err.fileHandleForWriting.fileDescriptor)
        nonisolated(unsafe) var outData = Data(), errData = Data()
        let group = DispatchGroup()
        group.enter(); DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter(); DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let exit: Result<Int32, KubeError>
        do { exit = .success(try client.exec(request, io: io)) } catch { exit = .failure(error) }
        try out.fileHandleForWriting.close()
        try err.fileHandleForWriting.close()
        group.wait()
        return Captured(stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self), exit: exit)
    }

    @Test func execOutputSplitExitCodesAndStdinEOF() throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        let client = try fake.adminClient()
        _ = try client.create(.pods("default"), Self.pod("p"))
        let hi = try Self.run(client, ["echo", "hi"])
        #expect(hi.stdout == "hi\n")
        #expect(try hi.exit.get() == 0)
        let split = try Self.run(client, ["sh", "-c", "echo out; echo err >&2; exit 7"])
        #expect(split.stdout == "out\n" && split.stderr == "err\n")
        #expect(try split.exit.get() == 7)
        let cat = try Self.run(client, ["cat"], stdin: "line one\nline two\n")
        #expect(cat.stdout == "line one\nline two\n")
        #expect(try cat.exit.get() == 0)
        let missing = try Self.run(client, ["nosuchcmd"])
        guard case .failure(let error) = missing.exit else { Issue.record("nosuchcmd succeeded"); return }
        #expect(error.description.contains("executable file not found"))
    }

    @Test func execRefusalsBeforeTheUpgrade() throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        _ = try fake.adminClient().create(.pods("default"), Self.pod("p"))
        let viewer = try fake.client(kubeconfig: fake.writeKubeconfig(user: "    token: viewer-token\n"))
        guard case .failure(let forbidden) = try Self.run(viewer, ["true"]).exit else { Issue.record("viewer could exec"); return }
        #expect(forbidden.kind == .forbidden)
        #expect(forbidden.description.contains(#"cannot get resource "pods/exec""#))
        let admin = try fake.adminClient()
        let request = ExecRequest(namespace: "default", pod: "p", container: "nope", command: ["true"])
        let badContainer = try #require(throws: KubeError.self) { try admin.exec(request, io: ExecIO()) }
        #expect(badContainer.description.contains("container nope is not valid for pod p"))
        let missingPod = try #require(throws: KubeError.self) {
            try admin.exec(ExecRequest(namespace: "default", pod: "ghost", command: ["true"]), io: ExecIO())
        }
        #expect(missingPod.description == #"Error from server (NotFound): pods "ghost" not found"#)
    }

    @Test func cutStreamIsAClearErrorNotAHang() throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        let client = try fake.adminClient()
        _ = try client.create(.pods("default"), Self.pod("p"))
        try fake.fault(["drop_stream_after_bytes": 4096])
        let started = Date()
        let cut = try Self.run(client, ["sh", "-c", "head -c 1000000 /dev/zero; sleep 30"])
        guard case .failure(let error) = cut.exit else { Issue.record("a cut stream looked like success"); return }
        #expect(error.kind == .streamClosed)
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func portForwardIsByteExactAlsoWithFourConnections() throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        let client = try fake.adminClient()
        _ = try client.create(.pods("default"), Self.pod("web"))
        // The "pod" is an HTTP server on this machine's loopback serving random files.
        let site = fake.dir.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        for (name, mib) in [("big", 256), ("small", 64)] {
            let made = try runProcess("/bin/sh", ["-c", "head -c \(mib << 20) /dev/urandom > '\(site.path)/\(name)'"])
            #expect(made.exitCode == 0)
        }
        let http = try Background("/usr/bin/env", ["python3", "-u", "-m", "http.server", "--bind", "127.0.0.1", "--directory", site.path, "0"])
        defer { http.stop() }
        #expect(http.waitFor("Serving HTTP"), "http.server: \(http.errors)")
        let text = http.output
        let port = try #require(text.split(separator: " ").compactMap { UInt16($0) }.first, "http.server banner: \(text)")

        let listener = try PortForwardListener(client: client, namespace: "default", pod: "web", remotePort: port)
        let acceptor = Thread { listener.run() }
        acceptor.start()
        defer { listener.stop() }
        @Sendable func digest(_ command: String) throws -> String {
            String(try runProcess("/bin/sh", ["-c", command + " | sha256sum"]).stdout.prefix(64))
        }
        let url = "http://127.0.0.1:\(listener.localPort)"
        let big = try digest("cat '\(site.path)/big'")
        #expect(try digest("curl -s --max-time 300 \(url)/big") == big, "errors: \(listener.errors.withLock { $0 })")
        let small = try digest("cat '\(site.path)/small'")
        let results = Mutex<[String]>([])
        let group = DispatchGroup()
        for _ in 0..<4 {
            group.enter()
            DispatchQueue.global().async {
                defer { group.leave() }
                let got = (try? digest("curl -s --max-time 300 \(url)/small")) ?? "failed"
                results.withLock { $0.append(got) }
            }
        }
        group.wait()
        #expect(results.withLock { $0 } == Array(repeating: small, count: 4), "errors: \(listener.errors.withLock { $0 })")
    }
}
