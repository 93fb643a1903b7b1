import Foundation
import KubeClient
import KubeConfig
import KubeModel
import Synchronization
import TestSupport
import Testing

/// The retry rule against the HTTPS fake API server: request counts as the
/// server recorded them, for creates, a watch and an exec upgrade.
@Suite(.serialized) struct RetryOnServerTests {
    static let podsPath = "/api/v1/namespaces/default/pods"

    /// "METHOD path status" of each recorded request under `prefix`.
    static func trail(_ fake: FakeAPIServer, under prefix: String) throws -> [String] {
        try fake.requests().compactMap { r -> String? in
            guard let path = r["path"]?.stringValue, path.hasPrefix(prefix) else { return nil }
            let status = r["status"]?.intValue.map(String.init) ?? r["status"]?.stringValue ?? "-"
            return "\(r["method"]?.stringValue ?? "") \(path) \(status)"
        }
    }

    @Test func postAnswered429WithRetryAfterIsSentAgainOnce() throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        let client = try fake.adminClient()
        try fake.fault(["status": 429, "retry_after": 1, "count": 1, "method": "POST", "path_prefix": .string(Self.podsPath)])
        let started = Date()
        let made = try client.create(.pods("default"), ClientAPITests.pod("throttled"))
        #expect(made.metadataName == "throttled")
        #expect(Date().timeIntervalSince(started) >= 0.9, "Retry-After: 1 was not honoured")
        #expect(try Self.trail(fake, under: Self.podsPath) == ["POST \(Self.podsPath) 429", "POST \(Self.podsPath) 201"])
    }

    @Test func postAnswered503WithoutRetryAfterIsNotSentAgain() throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        let client = try fake.adminClient()
        try fake.fault(["status": 503, "count": 1, "method": "POST", "path_prefix": .string(Self.podsPath)])
        let error = try #require(throws: KubeError.self) { try client.create(.pods("default"), ClientAPITests.pod("once")) }
        #expect(error.httpStatus == 503)
        #expect(try Self.trail(fake, under: Self.podsPath) == ["POST \(Self.podsPath) 503"])
    }

    @Test func createWhoseAnswerIsLostIsLookedUpNotSentTwice() throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        let client = try fake.adminClient()
        _ = try client.version()  // a pooled connection, as in real use: the POST must not ride it blindly
        try fake.fault(["drop_connection": true, "after_handling": true, "count": 1, "method": "POST", "path_prefix": .string(Self.podsPath)])
        let made = try client.create(.pods("default"), ClientAPITests.pod("lost-answer"))
        #expect(made.metadataName == "lost-answer")
        #expect(made["metadata"]?["labels"]?["app"]?.stringValue == "web")
        #expect(try Self.trail(fake, under: Self.podsPath) == [
            "POST \(Self.podsPath) dropped after handling", "GET \(Self.podsPath)/lost-answer 200",
        ])
    }

    @Test func createLostBeforeTheServerActedIsSentAgainAfterA404() throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        let client = try fake.adminClient()
        try fake.fault(["drop_connection": true, "count": 1, "method": "POST", "path_prefix": .string(Self.podsPath)])
        #expect(try client.create(.pods("default"), ClientAPITests.pod("second-time")).metadataName == "second-time")
        #expect(try Self.trail(fake, under: Self.podsPath) == [
            "POST \(Self.podsPath) dropped", "GET \(Self.podsPath)/second-time 404", "POST \(Self.podsPath) 201",
        ])
    }

    @Test func generateNameCreateIsNotRetriedAfterALostAnswer() throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        let client = try fake.adminClient()
        try fake.fault(["drop_connection": true, "after_handling": true, "count": 1, "method": "POST", "path_prefix": .string(Self.podsPath)])
        let pod: JSONValue = ["apiVersion": "v1", "kind": "Pod", "metadata": ["generateName": "gen-"],
                              "spec": ["containers": [["name": "main", "image": "nginx"]]]]
        let error = try #require(throws: KubeError.self) { try client.create(.pods("default"), pod) }
        #expect(error.kind == .connection)
        #expect(try Self.trail(fake, under: Self.podsPath) == ["POST \(Self.podsPath) dropped after handling"])
    }

    @Test func watchAnswered429IsReestablished() throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        let client = try fake.adminClient()
        let (_, version) = try client.list(.pods("w"))
        try fake.clearRequests()
        try fake.fault(["status": 429, "retry_after": 1, "count": 1, "method": "GET", "path_prefix": "/api/v1/namespaces/w/pods"])
        let producer = Thread {
            usleep(1_500_000)
            _ = try? client.create(.pods("w"), ClientAPITests.pod("after-throttle"))
        }
        producer.start()
        let deadline = Date().addingTimeInterval(15)
        let seen = Mutex<[String]>([])
        try client.watch(.pods("w"), resourceVersion: version, isCancelled: { Date() > deadline }) { event in
            guard event.type != .bookmark, let name = event.object.metadataName else { return .continue }
            seen.withLock { $0.append(name) }
            return .stop
        }
        #expect(seen.withLock { $0 } == ["after-throttle"])
        let watches = try fake.requests().filter { $0["raw_query"]?.stringValue?.contains("watch=true") == true }
            .map { $0["status"]?.intValue ?? 0 }
        #expect(watches == [429, 200])
    }

    @Test func execUpgradeAnswered429IsRetried() throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        let client = try fake.adminClient()
        _ = try client.create(.pods("default"), StreamTests.pod("p"))
        try fake.clearRequests()
        try fake.fault(["status": 429, "retry_after": 1, "count": 1, "method": "GET", "path_prefix": .string("\(Self.podsPath)/p/exec")])
        let hi = try StreamTests.run(client, ["echo", "hi"])
        #expect(hi.stdout == "hi\n")
        #expect(try hi.exit.get() == 0)
        let upgrades = try Self.trail(fake, under: "\(Self.podsPath)/p/exec")
        #expect(upgrades.count == 2 && upgrades.first == "GET \(Self.podsPath)/p/exec 429", "\(upgrades)")
    }

    @Test func retryAfterBeyondTheRequestTimeoutGivesUpAtOnce() throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        var overrides = ConfigOverrides()
        overrides.requestTimeout = "2s"
        let client = try fake.client(kubeconfig: fake.writeKubeconfig(user: "    token: admin-token\n"), overrides: overrides)
        try fake.fault(["status": 429, "retry_after": 5, "count": 1, "path_prefix": "/version"])
        let started = Date()
        let error = try #require(throws: KubeError.self) { try client.version() }
        #expect(error.httpStatus == 429)
        #expect(Date().timeIntervalSince(started) < 1)
        #expect(try Self.trail(fake, under: "/version").count == 1)
    }

    @Test func cleanupClientSharesConnectionsAndUsesItsPolicy() throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        let client = try fake.adminClient()
        let cleanup = client.withRetry(.cleanup)
        #expect(cleanup.transport.retry == .cleanup)
        #expect(client.transport.retry != .cleanup)
        _ = try client.version()
        _ = try cleanup.version()
        #expect(Set(try fake.requests().compactMap { $0["conn_id"]?.intValue }).count == 1)
        // Six 503s without Retry-After: this client's budget (4 retries) gives up after five,
        // a harder copy gets through on its seventh attempt.
        _ = try client.create(.pods("default"), ClientAPITests.pod("doomed"))
        try fake.fault(["status": 503, "count": 6, "method": "DELETE", "path_prefix": .string(Self.podsPath)])
        let refused = try #require(throws: KubeError.self) { try client.delete(.pods("default", "doomed")) }
        #expect(refused.httpStatus == 503)
        _ = try fake.debug("DELETE", "/debug/faults")  // the sixth, left over
        try fake.clearRequests()
        try fake.fault(["status": 503, "count": 6, "method": "DELETE", "path_prefix": .string(Self.podsPath)])
        let harder = client.withRetry(RetryPolicy(maxBackoffRetries: 8, baseDelay: 0.01, maxDelay: 0.05))
        try harder.delete(.pods("default", "doomed"))
        #expect(try Self.trail(fake, under: Self.podsPath).count == 7)
        #expect(throws: KubeError.self) { try client.get(.pods("default", "doomed")) }
    }

    @Test func eachRetryIsLoggedAtV6WithoutCredentials() throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        let kubeconfig = try fake.writeKubeconfig(user: "    token: admin-token\n")
        try fake.fault(["status": 429, "retry_after": 1, "count": 2, "path_prefix": "/version"])
        let run = try runProcess(pluginBinary, ["version", "--kubeconfig", kubeconfig, "-v=9"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(run.stderr.contains("/version 429 Too Many Requests: retrying in 1s (retry 1/10)"), "\(run.stderr)")
        #expect(run.stderr.contains("/version 429 Too Many Requests: retrying in 1s (retry 2/10)"), "\(run.stderr)")
        #expect(!run.stderr.contains("admin-token"))
    }
}
