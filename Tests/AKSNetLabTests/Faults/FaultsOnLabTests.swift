import Foundation
import KubeClient
import KubeConfig
import KubeModel
import TestSupport
import Testing

/// The lab's API faults as users meet them, with the real kubectl 1.32 and with our plugin:
/// retried 5xx/429, timeouts under latency, an expired token, and exec/port-forward streams
/// cut mid-way. One lab per test (up takes well under a second).
@Suite(.serialized) struct FaultsOnLabTests {
    static func newLabDir() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("aksnet-lab-\(UUID().uuidString)").path
    }

    static func fault(_ dir: String, _ arguments: [String]) throws -> ProcessResult {
        try LifecycleTests.lab(["fault", "--dir", dir] + arguments)
    }

    static func waitRunning(_ kubectl: String, _ kc: [String], _ pod: String) throws -> Bool {
        for _ in 0..<100 {
            if try Shell.run(kubectl, kc + ["get", "pod", pod, "-o", "jsonpath={.status.phase}"]).stdout == "Running" { return true }
            usleep(100_000)
        }
        return false
    }

    static func timed(_ body: () throws -> ProcessResult) rethrows -> (ProcessResult, Double) {
        let started = Date()
        let result = try body()
        return (result, Date().timeIntervalSince(started))
    }

    @Test func apiFaultsWithKubectlAndThePlugin() throws {
        let kubectl = try #require(LabFixture.kubectlPath)
        let plugin = PluginOnLabTests.plugin
        let dir = Self.newLabDir()
        defer { _ = try? LifecycleTests.lab(["down", "--dir", dir]); try? FileManager.default.removeItem(atPath: dir) }
        let up = try LifecycleTests.lab(["up", "--dir", dir, "--nodes", "1", "--break", "api-429=0.5:1"])
        #expect(up.status == 0, "\(up)")
        #expect(try Self.fault(dir, ["list"]).stdout == "api-429=0.5:1\n")
        #expect(try LifecycleTests.lab(["status", "--dir", dir]).stdout.contains("API faults: api-429=0.5:1\n"))
        // Dataplane faults go in the same list (DataplaneFaultsAtRunTimeTests checks their effect).
        let dataplane = try Self.fault(dir, ["set", "missing-route:node1"])
        #expect(dataplane.status == 0 && dataplane.stdout == "api-429=0.5:1\nmissing-route:node1\n", "\(dataplane)")
        #expect(try Self.fault(dir, ["clear", "missing-route:node1"]).stdout == "api-429=0.5:1\n")
        let kc = ["--kubeconfig", dir + "/kubeconfig"]

        // 429 with Retry-After on every second request: both clients retry and succeed.
        let first = try Shell.run(kubectl, kc + ["get", "nodes", "-v=6"], timeout: 30)
        let second = try Shell.run(kubectl, kc + ["get", "nodes", "-v=6"], timeout: 30)
        #expect(first.status == 0 && second.status == 0, "\(first)\n\(second)")
        #expect(second.stdout.contains("vmss000000"))
        #expect((first.stderr + second.stderr).contains("429 Too Many Requests"))
        let ours = try (0..<2).map { _ in try Shell.run(plugin, ["version"] + kc + ["-v=6"], timeout: 30) }
        #expect(ours.allSatisfy { $0.status == 0 && $0.stdout.contains("Server Version: v1.32") }, "\(ours)")
        #expect(ours.map(\.stderr).joined().contains("429 Too Many Requests: retrying in 1s (retry 1/10)"), "\(ours)")

        // Upgrades are throttled too: our exec retries the upgrade (Retry-After: 1) until
        // --request-timeout leaves no room for another wait, then says so in one line.
        _ = try Self.fault(dir, ["set", "api-429=1:1"])
        let (throttledExec, execTime) = try Self.timed {
            try Shell.run(plugin, ["exec"] + kc + ["--request-timeout=3s", "anypod", "--", "true"], timeout: 30)
        }
        #expect(throttledExec.status == 1
                && throttledExec.stderr == "Error from server (TooManyRequests): Too many requests, please try again later.\n", "\(throttledExec)")
        #expect(execTime >= 1.5 && execTime < 6, "retried within the request timeout? \(execTime) s")

        // 503 with Retry-After on every second request, set at run time: GETs and a POST are
        // sent again (the server said it did not act) and succeed.
        #expect(try Self.fault(dir, ["clear", "api-429"]).stdout == "no faults\n")
        #expect(try Self.fault(dir, ["set", "api-5xx=0.5"]).stdout == "api-5xx=0.5:503\n")
        var overrides = ConfigOverrides()
        overrides.kubeconfig = dir + "/kubeconfig"
        let client = try KubeClient.fromKubeconfig(overrides: overrides)
        _ = try client.version()  // the even request: answered
        let pod: JSONValue = ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": "posted"],
                              "spec": ["containers": [["name": "main", "image": "busybox", "command": ["sleep", "60"]]]]]
        // The odd one gets 503 + Retry-After: 1; the POST sent again is the even one, answered.
        do {
            _ = try client.create(.pods("default", nil), pod)
        } catch {
            Issue.record("the POST was not sent again after 503 + Retry-After: \(error)")
        }
        let retried = try Shell.run(plugin, ["version"] + kc + ["-v=6"], timeout: 30)
        #expect(retried.status == 0 && retried.stderr.contains("503 Service Unavailable: retrying in 1s (retry 1/10)"), "\(retried)")
        let kubectlRetried = try Shell.run(kubectl, kc + ["get", "pod", "posted", "-o", "name"], timeout: 30)
        #expect(kubectlRetried.status == 0 && kubectlRetried.stdout == "pod/posted\n", "\(kubectlRetried)")
        // 500 without Retry-After: the server may have acted, so a POST is not sent again.
        #expect(try Self.fault(dir, ["set", "api-5xx=1:500"]).stdout == "api-5xx=1:500\n")
        let unsent: JSONValue = ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": "not-posted"],
                                 "spec": ["containers": [["name": "main", "image": "busybox", "command": ["sleep", "60"]]]]]
        let refused = try #require(throws: KubeError.self) { _ = try client.create(.pods("default", nil), unsent) }
        #expect(refused.httpStatus == 500, "\(refused)")

        // 3 s of latency: --request-timeout=1s ends both within 1 s (and a bit).
        _ = try Self.fault(dir, ["clear"])
        #expect(try Self.fault(dir, ["set", "api-latency=3s"]).stdout == "api-latency=3s\n")
        let (slowKubectl, kubectlTime) = try Self.timed { try Shell.run(kubectl, kc + ["get", "pods", "--request-timeout=1s"], timeout: 20) }
        #expect(slowKubectl.status != 0 && kubectlTime < 2.5, "\(slowKubectl) in \(kubectlTime) s")
        #expect(slowKubectl.stderr.contains("Client.Timeout exceeded") || slowKubectl.stderr.contains("deadline exceeded"), "\(slowKubectl)")
        let (slowOurs, oursTime) = try Self.timed { try Shell.run(plugin, ["version"] + kc + ["--request-timeout=1s"], timeout: 20) }
        #expect(slowOurs.status == 1 && oursTime < 2.5, "\(slowOurs) in \(oursTime) s")
        #expect(slowOurs.stderr.contains("request timed out"), "\(slowOurs)")
        #expect(try Shell.run(kubectl, kc + ["get", "--raw", "/healthz", "--request-timeout=1s"]).stdout == "ok", "probes are never slowed")

        // An expired token: 401 for the token user, client certificates go on working.
        _ = try Self.fault(dir, ["clear", "api-latency"])
        #expect(try Self.fault(dir, ["set", "token-expire=now"]).stdout.hasPrefix("token-expire=now"))
        let token = kc + ["--context", "aksnet-lab-token"]
        let expired = try Shell.run(kubectl, token + ["get", "ns"])
        #expect(expired.status == 1 && expired.stderr.contains("error: You must be logged in to the server (Unauthorized)"), "\(expired)")
        let expiredOurs = try Shell.run(plugin, ["version"] + token)
        #expect(expiredOurs.status == 1 && expiredOurs.stderr.hasPrefix("error: You must be logged in to the server (Unauthorized)"), "\(expiredOurs)")
        #expect(try Shell.run(kubectl, kc + ["get", "ns", "default", "-o", "name"]).stdout == "namespace/default\n")
        _ = try Self.fault(dir, ["set", "token-expire=1h"])
        #expect(try Shell.run(kubectl, token + ["get", "ns", "default", "-o", "name"]).stdout == "namespace/default\n")
    }

    /// `stream-drop`: the lab closes the connection mid-stream with no close frame; our exec and
    /// port-forward end in seconds with one line naming the pod, and a non-zero exit.
    @Test func cutStreamsEndWithAClearErrorAndNoHang() throws {
        let kubectl = try #require(LabFixture.kubectlPath)
        let plugin = PluginOnLabTests.plugin
        let dir = Self.newLabDir()
        defer { _ = try? LifecycleTests.lab(["down", "--dir", dir]); try? FileManager.default.removeItem(atPath: dir) }
        #expect(try LifecycleTests.lab(["up", "--dir", dir, "--nodes", "1", "--break", "stream-drop=1Mi"]).status == 0)
        let site = dir + "/site"
        try FileManager.default.createDirectory(atPath: site, withIntermediateDirectories: true)
        #expect(try Shell.run("/bin/sh", ["-c", "head -c 8388608 /dev/zero > '\(site)/big'"]).status == 0)
        let kc = ["--kubeconfig", dir + "/kubeconfig"]
        #expect(try Shell.run(kubectl, kc + ["run", "p", "--image=busybox", "--", "sleep", "3600"]).status == 0)
        #expect(try Shell.run(kubectl, kc + ["run", "web", "--image=python", "--", "python3", "-m", "http.server", "8000",
                                             "--bind", "0.0.0.0", "--directory", site]).status == 0)
        #expect(try Self.waitRunning(kubectl, kc, "p") && Self.waitRunning(kubectl, kc, "web"))

        // After 1 MiB.
        let (bytes, bytesTime) = try Self.timed {
            try Shell.run(plugin, ["exec"] + kc + ["p", "--", "sh", "-c", "yes | head -c 200000000"], timeout: 30)
        }
        #expect(bytes.status == 1 && bytesTime < 5 && !bytes.timedOut, "exit \(bytes.status) in \(bytesTime) s")
        #expect(bytes.stdout.utf8.count >= 1 << 20 && bytes.stdout.utf8.count < 100_000_000, "\(bytes.stdout.utf8.count) bytes")
        #expect(bytes.stderr.hasPrefix("error: lost connection to pod default/p: the exec stream was cut")
                && bytes.stderr.split(separator: "\n").count == 1, "\(bytes.stderr)")

        // After 1 s, while nothing flows.
        _ = try Self.fault(dir, ["set", "stream-drop=1s"])
        let (timed, timedTime) = try Self.timed { try Shell.run(plugin, ["exec"] + kc + ["p", "--", "sleep", "30"], timeout: 30) }
        #expect(timed.status == 1 && timedTime < 4, "exit \(timed.status) in \(timedTime) s")
        #expect(timed.stderr.hasPrefix("error: lost connection to pod default/p") && timed.stderr.split(separator: "\n").count == 1, "\(timed.stderr)")

        // port-forward: the download is cut, and the command ends like kubectl's "lost connection to pod".
        _ = try Self.fault(dir, ["set", "stream-drop=1Mi"])
        usleep(300_000)  // http.server binding
        let forward = try Background(plugin, ["port-forward"] + kc + ["web", "0:8000"])
        defer { forward.stop() }
        #expect(forward.waitFor("Forwarding from"), "port-forward: \(forward.errors)")
        let port = try #require(forward.output.split(separator: ":").last.flatMap { $0.split(separator: " ").first }.flatMap { Int($0) })
        let started = Date()
        let download = try Shell.run("/usr/bin/curl", ["-s", "-o", dir + "/got", "-w", "%{size_download}", "--max-time", "10",
                                                       "http://127.0.0.1:\(port)/big"], timeout: 20)
        let got = Int(download.stdout) ?? -1
        #expect(got > 0 && got < 8 << 20, "downloaded \(got) bytes")
        let code = forward.wait(timeout: 5)
        #expect(code == 1 && Date().timeIntervalSince(started) < 6, "port-forward still running or exit \(String(describing: code))")
        #expect(forward.errors.hasPrefix("error: lost connection to pod default/web: the port-forward stream to port 8000 was cut")
                && forward.errors.split(separator: "\n").count == 1, "\(forward.errors)")

        // The lab itself is fine: cleared, a stream runs to its end.
        _ = try Self.fault(dir, ["clear"])
        let whole = try Shell.run(plugin, ["exec"] + kc + ["p", "--", "sh", "-c", "yes | head -c 3000000 | wc -c"], timeout: 30)
        #expect(whole.status == 0 && whole.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "3000000", "\(whole)")
    }
}
