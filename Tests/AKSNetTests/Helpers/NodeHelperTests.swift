@testable import AKSNet
import KubeClient
import KubeModel
import Testing

/// `acquireNodeHelper`: a kept helper of the same command, node and image is reused (and
/// adopted), anything else gets a new helper waited Running.
@Suite struct NodeHelperTests {
    static let options = HelperPodOptions(image: "netshoot:1", session: "0a1b2c3d", command: "sniff")

    /// A helper an earlier `--keep` run left.
    static func kept(_ name: String, node: String = "n1", command: String = "sniff", image: String = "netshoot:1",
                     phase: String = "Running") -> JSONValue {
        var options = Self.options
        options.command = command
        options.image = image
        return DebugPods.nodeHelper(name: name, node: node, options: options).setting(["status"], to: ["phase": .string(phase)])
    }

    static func cluster(_ objects: [JSONValue] = []) -> FakeKubeAPI {
        FakeKubeAPI([FakeObjects.node("n1"), FakeObjects.node("n2")] + objects)
    }

    @Test func withNoneKeptItCreatesOneAndWaitsForIt() throws {
        let api = Self.cluster()
        let session = HelperSession(client: api, options: Self.options)
        var said: [String] = []
        let helper = try session.acquireNodeHelper(on: "n1", timeout: 5) { said.append($0) }
        #expect(helper == ExecTarget(namespace: "aksnet-system", pod: "aksnet-sniff-n1-0a1b2c3d", container: "aksnet"))
        #expect(api.object(.namespaces("aksnet-system")) != nil, "the helper namespace is made on demand")
        #expect(api.object(.pods("aksnet-system", helper.pod))?["status"]?["phase"]?.stringValue == "Running")
        #expect(said == ["sniff: node/n1: waiting for helper aksnet-system/aksnet-sniff-n1-0a1b2c3d"])
        #expect(session.createdPods.map(\.name) == [helper.pod])
    }

    @Test func aKeptHelperWithTheSameImageIsReusedAndAdopted() throws {
        let api = Self.cluster([Self.kept("old")])
        let session = HelperSession(client: api, options: Self.options)
        var said: [String] = []
        let helper = try session.acquireNodeHelper(on: "n1", timeout: 5) { said.append($0) }
        #expect(helper.pod == "old")
        #expect(said == ["sniff: node/n1: reusing helper aksnet-system/old"])
        #expect(!api.calls.contains { $0.verb == "create" && $0.path.hasSuffix("/pods") })
        session.cleanup()
        #expect(api.pods(in: "aksnet-system").isEmpty, "adopted: this session deletes it unless kept again")
    }

    @Test func aKeptHelperWithAnotherImageIsNotReused() throws {
        let api = Self.cluster([Self.kept("old", image: "other:2")])
        let helper = try HelperSession(client: api, options: Self.options).acquireNodeHelper(on: "n1", timeout: 5)
        #expect(helper.pod == "aksnet-sniff-n1-0a1b2c3d")
        #expect(api.pods(in: "aksnet-system") == ["aksnet-sniff-n1-0a1b2c3d", "old"])
    }

    @Test func aKeptHelperThatIsNotRunningIsNotReused() throws {
        let api = Self.cluster([Self.kept("old", phase: "Pending")])
        let helper = try HelperSession(client: api, options: Self.options).acquireNodeHelper(on: "n1", timeout: 5)
        #expect(helper.pod == "aksnet-sniff-n1-0a1b2c3d")
    }

    @Test func aKeptHelperOnAnotherNodeIsNotReused() throws {
        let api = Self.cluster([Self.kept("old", node: "n2")])
        let helper = try HelperSession(client: api, options: Self.options).acquireNodeHelper(on: "n1", timeout: 5)
        #expect(helper.pod == "aksnet-sniff-n1-0a1b2c3d")
    }

    @Test func theCommandParameterPicksTheLabelAndTheName() throws {
        let api = Self.cluster([Self.kept("sniffs")])
        let session = HelperSession(client: api, options: Self.options)
        let helper = try session.acquireNodeHelper(on: "n1", command: "jump", timeout: 5)
        #expect(helper.pod == "aksnet-jump-n1-0a1b2c3d", "another command's helper is not reused")
        let made = api.object(.pods("aksnet-system", helper.pod))
        #expect(made?["metadata"]?["labels"]?[HelperLabels.commandKey]?.stringValue == "jump")
        let again = try HelperSession(client: api, options: Self.options).acquireNodeHelper(on: "n1", command: "jump", timeout: 5)
        #expect(again.pod == helper.pod, "the same command's helper is")
    }

    @Test func anImagePullFailureIsTheSessionsError() throws {
        let api = FakeKubeAPI([FakeObjects.node("n1")], faults: [.imagePullFails])
        let session = HelperSession(client: api, options: Self.options)
        #expect(throws: SessionError.self) { _ = try session.acquireNodeHelper(on: "n1", timeout: 5) }
        #expect(session.createdPods.count == 1, "recorded, so cleanup deletes it")
        session.cleanup()
        #expect(api.pods(in: "aksnet-system").isEmpty)
    }
}
