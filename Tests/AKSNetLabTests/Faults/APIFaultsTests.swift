import Foundation
import Testing
import TestSupport
@testable import AKSNetLab

/// The fault specs as `up --break` and `fault set` take them, and the server's switch over DIR/faults.json.
@Suite struct APIFaultsTests {
    @Test func specsParseAndPrintBack() throws {
        var faults = APIFaults()
        try faults.apply("api-5xx=0.2")
        try faults.apply("api-429=0.5:3")
        try faults.apply("api-latency=1500ms")
        try faults.apply("token-expire=30s", now: 1000)
        try faults.apply("stream-drop=64Ki")
        #expect(faults.serverErrors == .init(share: 0.2, code: 503))
        #expect(faults.throttling == .init(share: 0.5, retryAfter: 3))
        #expect(faults.latency == 1.5)
        #expect(faults.tokenExpiresAt == 1030)
        #expect(faults.streamDrop == .init(afterBytes: 65536, afterSeconds: nil))
        #expect(faults.describe(now: 1010) == ["api-5xx=0.2:503", "api-429=0.5:3", "api-latency=1.5s", "token-expire=20s", "stream-drop=65536"])
        try faults.apply("stream-drop=2s")
        #expect(faults.streamDrop == .init(afterBytes: nil, afterSeconds: 2))
        try faults.clear("api-5xx")
        #expect(faults.serverErrors == nil)
        #expect(APIFaults.isAPISpec("api-5xx=1") && APIFaults.isAPISpec("token-expire=now"))
        #expect(!APIFaults.isAPISpec("missing-route:node2") && !APIFaults.isAPISpec("policy-drop:web"))
    }

    @Test func faultNeedsARunningLab() throws {
        let result = try LifecycleTests.lab(["fault", "--dir", NSTemporaryDirectory() + "aksnet-no-lab-\(getpid())", "list"])
        #expect(result.status == 1 && result.stderr.contains("no lab is running in"), "\(result)")
    }

    @Test(arguments: ["api-5xx", "api-5xx=2", "api-5xx=0.5:404", "api-429=x", "api-429=0.5:999", "api-latency=3",
                      "token-expire=soon", "stream-drop=0", "stream-drop=lots", "api-teapot=1"])
    func badSpecsAreRefused(_ spec: String) {
        var faults = APIFaults()
        #expect(throws: LabError.self) { try faults.apply(spec) }
    }

    /// Shares are spread evenly; the file is re-read on the next request after a rename; probes are never faulted.
    @Test func switchFollowsTheFileAtOnce() throws {
        let dir = NSTemporaryDirectory() + "aksnet-faults-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lab = LabDirectory(dir)
        let faultSwitch = FaultSwitch(directory: dir)
        #expect(faultSwitch.decide(path: "/api/v1/pods").failure == nil)
        try FaultFile.update(lab) { try $0.apply("api-5xx=0.5") }
        let codes = (0..<6).map { _ in faultSwitch.decide(path: "/api/v1/pods").failure?.error.code ?? 200 }
        #expect(codes == [200, 503, 200, 503, 200, 503])
        #expect(faultSwitch.decide(path: "/healthz").failure == nil && faultSwitch.decide(path: "/readyz").failure == nil)
        try FaultFile.update(lab) { faults in
            faults = APIFaults()
            try faults.apply("api-429=1:7")
        }
        let throttled = try #require(faultSwitch.decide(path: "/version").failure)
        #expect(throttled.error.code == 429)
        #expect(throttled.headers.contains { $0.0 == "Retry-After" && $0.1 == "7" })
        let now = Date().timeIntervalSince1970
        try FaultFile.update(lab) { try $0.apply("token-expire=30s", now: now) }
        #expect(!faultSwitch.tokensExpired(now: now + 29) && faultSwitch.tokensExpired(now: now + 30))
        try FaultFile.update(lab) { try $0.apply("token-expire=now") }
        #expect(faultSwitch.tokensExpired())
        try FaultFile.update(lab) { $0 = APIFaults() }
        #expect(!faultSwitch.tokensExpired() && faultSwitch.decide(path: "/version").failure == nil)
    }
}
