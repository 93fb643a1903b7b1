import TestSupport
import Foundation
import Testing

/// The real `kubectl port-forward` (1.32 tunnels SPDY/3.1 through the WebSocket): byte-exact,
/// several connections at once, and a port nobody listens on reported as kubectl reports it.
@Suite(.serialized) struct KubectlPortForwardTests {
    @Test func kubectlPortForwardThroughTheSPDYTunnel() throws {
        let lab = try LabCluster()
        defer { lab.down() }
        let site = lab.dir + "/site"
        try FileManager.default.createDirectory(atPath: site, withIntermediateDirectories: true)
        #expect(try Shell.run("/bin/sh", ["-c", "head -c 16777216 /dev/urandom > '\(site)/blob'"]).status == 0)
        try lab.run("web", image: "python", ["python3", "-m", "http.server", "8000", "--directory", site])
        usleep(500_000)  // http.server binding
        @Sendable func digest(_ command: String) throws -> String {
            String(try Shell.run("/bin/sh", ["-c", command + " | sha256sum"], timeout: 60).stdout.prefix(64))
        }
        let want = try digest("cat '\(site)/blob'")

        let forward = try Background(lab.kubectl, lab.kc + ["port-forward", "web", "0:8000"])
        defer { forward.stop() }
        #expect(forward.waitFor("Forwarding from 127.0.0.1:"), "kubectl port-forward: \(forward.errors)")
        let port = try #require(forward.output.split(separator: "\n").first { $0.hasPrefix("Forwarding from 127.0.0.1:") }
            .flatMap { $0.split(separator: ":").last?.split(separator: " ").first }.flatMap { Int($0) })
        let url = "http://127.0.0.1:\(port)/blob"
        #expect(try digest("curl -s --max-time 60 \(url)") == want, "one connection, byte-exact")
        let results = NSLock()
        nonisolated(unsafe) var got: [String] = []
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            let one = (try? digest("curl -s --max-time 60 \(url)")) ?? "failed"
            results.lock(); got.append(one); results.unlock()
        }
        #expect(got == Array(repeating: want, count: 4), "four connections at once")

        let refused = try Background(lab.kubectl, lab.kc + ["port-forward", "web", "0:9999"])
        defer { refused.stop() }
        #expect(refused.waitFor("Forwarding from 127.0.0.1:"))
        let refusedPort = try #require(refused.output.split(separator: "\n").first { $0.hasPrefix("Forwarding from 127.0.0.1:") }
            .flatMap { $0.split(separator: ":").last?.split(separator: " ").first }.flatMap { Int($0) })
        _ = try Shell.run("/usr/bin/curl", ["-s", "--max-time", "5", "http://127.0.0.1:\(refusedPort)/"], timeout: 10)
        #expect(refused.waitFor("error forwarding port 9999", inErrors: true, timeout: 10), "\(refused.errors)")
        #expect(refused.errors.contains("Connection refused"))
    }
}
