import Foundation
import KubeClient
import KubeConfig
import KubeModel
import Synchronization
import Testing

/// The verbs, errors, retries and watch against a real HTTPS server.
@Suite(.serialized) struct ClientAPITests {
    static func pod(_ name: String, labels: JSONValue = ["app": "web"]) -> JSONValue {
        ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": .string(name), "labels": labels],
         "spec": ["containers": [["name": "main", "image": "nginx"]]]]
    }

    @Test func createGetListPagedPatchDelete() throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        let client = try fake.adminClient()
        for i in 0..<7 { _ = try client.create(.pods("default"), Self.pod("p\(i)")) }
        try fake.clearRequests()
        let (items, version) = try client.list(.pods("default"), labelSelector: "app=web", pageSize: 3)
        #expect(items.count == 7)
        #expect(!version.isEmpty)
        #expect(try fake.requests().count == 3)
        #expect(try client.get(.pods("default", "p3")).metadataName == "p3")

        let merged = try client.patch(.pods("default", "p1"), ["metadata": ["labels": ["tier": "a"]]], type: .merge)
        #expect(merged["metadata"]?["labels"]?["tier"]?.stringValue == "a")
        let strategic = try client.patch(.pods("default", "p1"), ["metadata": ["labels": ["tier": "b"]]], type: .strategicMerge)
        #expect(strategic["metadata"]?["labels"]?["tier"]?.stringValue == "b")
        let jsonPatch = try client.patch(.pods("default", "p1"),
                                         [["op": "replace", "path": "/metadata/labels/tier", "value": "c"]], type: .json)
        #expect(jsonPatch["metadata"]?["labels"]?["tier"]?.stringValue == "c")
        var replaced = try client.get(.pods("default", "p2"))
        if case .object(var object) = replaced {
            var metadata = object["metadata"]?.objectValue ?? JSONObject()
            metadata["annotations"] = ["note": "replaced"]
            object["metadata"] = .object(metadata)
            replaced = .object(object)
        }
        #expect(try client.replace(.pods("default", "p2"), replaced)["metadata"]?["annotations"]?["note"]?.stringValue == "replaced")

        try client.delete(.pods("default", "p0"), gracePeriodSeconds: 0, propagation: .foreground)
        let state = try fake.debug("GET", "/debug/state")
        #expect(state["lastDeleteOptions"]?["gracePeriodSeconds"]?.intValue == 0)
        #expect(state["lastDeleteOptions"]?["propagationPolicy"]?.stringValue == "Foreground")
        let missing = try #require(throws: KubeError.self) { try client.get(.pods("default", "p0")) }
        #expect(missing.description == "Error from server (NotFound): pods \"p0\" not found")
        let patchTypes = try fake.requests().filter { $0["method"]?.stringValue == "PATCH" }
            .compactMap { $0["headers"]?["content-type"]?.stringValue }
        #expect(patchTypes == [PatchType.merge.rawValue, PatchType.strategicMerge.rawValue, PatchType.json.rawValue])
    }

    @Test func forbiddenIsRenderedLikeKubectl() throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        let viewer = try fake.client(kubeconfig: fake.writeKubeconfig(user: "    client-certificate: viewer.crt\n    client-key: viewer.key\n"))
        let error = try #require(throws: KubeError.self) { try viewer.create(.pods("default"), Self.pod("x")) }
        #expect(error.kind == .forbidden)
        #expect(error.httpStatus == 403)
        #expect(error.description == #"Error from server (Forbidden): pods is forbidden: User "viewer" cannot create resource "pods" in API group "" in the namespace "default""#)
    }

    @Test func connectionsAreReused() throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        let client = try fake.adminClient()
        for _ in 0..<5 { _ = try client.version() }
        let connections = Set(try fake.requests().compactMap { $0["conn_id"]?.intValue })
        #expect(connections.count == 1)
    }

    /// The rule in brief (RetryDecisionTests has the table, RetryOnServerTests the creates):
    /// 5xx and 429 are retried for a GET, a lost connection too; a POST answered 503
    /// without Retry-After is not (the server did not say it had not acted).
    @Test func retriesGetsAndNotACreateAnsweredWithoutRetryAfter() throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        let client = try fake.adminClient()
        try fake.fault(["status": 503, "count": 2, "retry_after": 0, "path_prefix": "/version"])
        #expect(try client.version().gitVersion == "v1.32.5")
        #expect(try fake.requests().map { $0["status"]?.intValue ?? 0 } == [503, 503, 200])
        try fake.clearRequests()
        try fake.fault(["status": 429, "count": 1, "retry_after": 1, "path_prefix": "/api"])
        let started = Date()
        _ = try client.list(.pods("default"))
        let elapsed = Date().timeIntervalSince(started)
        let trail = try fake.requests().map { "\($0["path"]?.stringValue ?? "") \($0["status"]?.intValue ?? 0)" }
        #expect(elapsed >= 0.9, "Retry-After: 1 was not honoured: \(trail)")
        try fake.clearRequests()
        try fake.fault(["status": 503, "count": 1, "path_prefix": "/api"])
        #expect(throws: KubeError.self) { try client.create(.pods("default"), Self.pod("once")) }
        #expect(try fake.requests().map { "\($0["method"]?.stringValue ?? "") \($0["status"]?.intValue ?? 0)" } == ["POST 503"])
        try fake.clearRequests()
        try fake.fault(["drop_connection": true, "count": 1, "path_prefix": "/version"])
        #expect(try client.version().major == "1")
        #expect(try fake.requests().count == 2)
    }

    @Test func requestTimeoutIsHonoured() throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        var overrides = ConfigOverrides()
        overrides.requestTimeout = "500ms"
        let client = try fake.client(kubeconfig: fake.writeKubeconfig(user: "    token: admin-token\n"), overrides: overrides)
        try fake.fault(["delay_ms": 3000, "count": 5, "path_prefix": "/version"])
        let started = Date()
        let error = try #require(throws: KubeError.self) { try client.version() }
        #expect(error.kind == .timeout)
        #expect(Date().timeIntervalSince(started) < 2.5)
    }

    @Test func watchResumesAfterServerCloseAndRelistsAfter410() throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        let client = try fake.adminClient()
        _ = try client.create(.pods("w"), Self.pod("a"))
        let (_, startVersion) = try client.list(.pods("w"))
        try fake.fault(["close_watch_after": 2])
        let seen = Mutex<[String]>([])
        let done = Atomic<Bool>(false)
        let producer = Thread {
            // Four pods, with a compaction in the middle so the resumed watch gets 410.
            usleep(300_000)
            for name in ["b", "c"] { _ = try? client.create(.pods("w"), Self.pod(name)) }
            usleep(600_000)
            _ = try? fake.debug("POST", "/debug/compact")
            for name in ["d", "e"] { _ = try? client.create(.pods("w"), Self.pod(name)) }
        }
        producer.start()
        let deadline = Date().addingTimeInterval(15)
        try client.watch(.pods("w"), resourceVersion: startVersion,
                         isCancelled: { Date() > deadline }) { event in
            if let name = event.object.metadataName, event.type != .bookmark {
                seen.withLock { $0.append("\(event.type.rawValue):\(name)") }
            }
            let names = Set(seen.withLock { $0 }.compactMap { $0.split(separator: ":").last.map(String.init) })
            if names.isSuperset(of: ["b", "c", "d", "e"]) { done.store(true, ordering: .relaxed); return .stop }
            return .continue
        }
        let finished = done.load(ordering: .relaxed)
        #expect(finished, "events seen: \(seen.withLock { $0 })")
        let watches = try fake.requests().filter { $0["raw_query"]?.stringValue?.contains("watch=true") == true }
        #expect(watches.count >= 2, "the watch was not resumed after the server closed it")
        let lists = try fake.requests().filter {
            $0["path"]?.stringValue == "/api/v1/namespaces/w/pods" && $0["raw_query"]?.stringValue?.contains("watch") != true
        }
        #expect(lists.count >= 2, "no relist after 410 Gone")
    }

    @Test func watchEventsAsyncStreamStopsWhenCancelled() async throws {
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        let client = try fake.adminClient()
        _ = try client.create(.pods("s"), Self.pod("one"))
        var names: [String] = []
        for try await event in client.watchEvents(.pods("s")) {
            if let name = event.object.metadataName { names.append(name) }
            if names.count == 1 { break }
        }
        #expect(names == ["one"])
    }
}
