import TestSupport
import Foundation
import Testing

/// A whole lab brought up with the built `kubectl-aksnet-lab up` in a fresh temporary folder,
/// driven with the real kubectl; `down()` (call it in a defer) removes it and the folder.
final class LabCluster: @unchecked Sendable {
    let dir: String
    let kubectl: String
    var kubeconfig: String { dir + "/kubeconfig" }
    var kc: [String] { ["--kubeconfig", kubeconfig] }

    init(_ arguments: [String] = ["--nodes", "1"]) throws {
        kubectl = try #require(LabFixture.kubectlPath, "kubectl.1.32 is needed")
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("aksnet-lab-\(UUID().uuidString)").path
        let up = try LifecycleTests.lab(["up", "--dir", dir] + arguments)
        guard up.status == 0 else {
            down()
            throw FixtureError("lab up failed: \(up)")
        }
    }

    func down() {
        _ = try? LifecycleTests.lab(["down", "--dir", dir])
        try? FileManager.default.removeItem(atPath: dir)
    }

    func k(_ args: [String], stdin: String? = nil, timeout: Double = 30) throws -> ProcessResult {
        try Shell.run(kubectl, kc + args, stdin: stdin, timeout: timeout)
    }

    /// What of `kinds` (all namespaces) still carries the suite's managed-by label once it is gone
    /// or `timeout` passed: "" when nothing is left.
    func waitNoManaged(_ kinds: String = "pods", timeout: Double = 15) throws -> String {
        func left() throws -> String {
            try k(["get", kinds, "-A", "-l", "app.kubernetes.io/managed-by=kubectl-aksnet", "-o", "name"]).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let deadline = Date().addingTimeInterval(timeout)
        var remaining = try left()
        while !remaining.isEmpty && Date() < deadline {
            usleep(200_000)
            remaining = try left()
        }
        return remaining
    }

    func nodes() throws -> [String] {
        try k(["get", "nodes", "-l", "kubernetes.io/os=linux", "-o", "jsonpath={.items[*].metadata.name}"]).stdout
            .split(separator: " ").map(String.init)
    }

    /// `kubectl run NAME --image IMAGE [pinned to NODE] -- COMMAND…`, then waits until it is Ready.
    func run(_ name: String, image: String = "busybox", node: String? = nil, _ command: [String] = ["sleep", "3600"]) throws {
        var args = ["run", name, "--image=\(image)"]
        if let node { args += ["--overrides", #"{"spec":{"nodeName":"\#(node)"}}"#] }
        let made = try k(args + ["--"] + command)
        guard made.status == 0 else { throw FixtureError("kubectl run \(name): \(made)") }
        let ready = try k(["wait", "--for=condition=Ready", "pod/\(name)", "--timeout=20s"])
        guard ready.status == 0 else { throw FixtureError("pod \(name) not Ready: \(ready)") }
    }

    func podIP(_ name: String) throws -> String {
        try k(["get", "pod", name, "-o", "jsonpath={.status.podIP}"]).stdout
    }
}
