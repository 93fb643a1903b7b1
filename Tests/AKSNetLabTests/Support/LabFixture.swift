import TestSupport
import Foundation
@testable import AKSNetLab

/// A running lab API server on a temporary directory with openssl-made PKI, a tokens file
/// and a kubeconfig (users admin, viewer, token), shared by the API server tests.
final class LabFixture: Sendable {
    let directory: String
    let server: LabAPIServer
    let kubeconfig: String
    var store: LabStore { server.store }

    private init(directory: String, server: LabAPIServer, kubeconfig: String) {
        self.directory = directory
        self.server = server
        self.kubeconfig = kubeconfig
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    private static let cache = FixtureCache()

    static func shared() async throws -> LabFixture { try await cache.get() }

    static func make() async throws -> LabFixture {
        let directory = NSTemporaryDirectory() + "aksnet-apiserver-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory + "/pki", withIntermediateDirectories: true)
        ScratchDirectories.register(directory)
        let script = packageRoot.appendingPathComponent("Tests/Fixtures/make_certs.sh").path
        let made = try Shell.run("/bin/bash", [script, directory + "/pki"], timeout: 60)
        guard made.status == 0 else { throw FixtureError("make_certs.sh failed: \(made.stderr)") }
        try "admintoken,tokenadmin,system:masters\nviewtoken,tokenviewer\n".write(toFile: directory + "/tokens", atomically: true, encoding: .utf8)
        let server = try await LabAPIServer.start(directory: directory)
        let pki = directory + "/pki"
        let kubeconfig = directory + "/kubeconfig"
        let text = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: lab
          cluster:
            server: \(server.url)
            certificate-authority: \(pki)/ca.crt
        users:
        - name: admin
          user:
            client-certificate: \(pki)/admin.crt
            client-key: \(pki)/admin.key
        - name: viewer
          user:
            client-certificate: \(pki)/viewer.crt
            client-key: \(pki)/viewer.key
        - name: token
          user:
            token: admintoken
        contexts:
        - name: lab
          context:
            cluster: lab
            user: admin
        current-context: lab

        """
        try text.write(toFile: kubeconfig, atomically: true, encoding: .utf8)
        return LabFixture(directory: directory, server: server, kubeconfig: kubeconfig)
    }

    /// `…/kubectl.1.32` beside the kubectl dispatcher on PATH.
    static let kubectlPath: String? = {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(folder)/kubectl"
            guard FileManager.default.isExecutableFile(atPath: candidate) else { continue }
            let real = URL(fileURLWithPath: candidate).resolvingSymlinksInPath()
            let pinned = real.deletingLastPathComponent().appendingPathComponent("kubectl.1.32").path
            return FileManager.default.isExecutableFile(atPath: pinned) ? pinned : nil
        }
        return nil
    }()

    func kubectl(_ arguments: [String], stdin: String? = nil, timeout: Double = 20) throws -> Shell.Result {
        guard let path = Self.kubectlPath else { throw FixtureError("kubectl.1.32 not found") }
        return try Shell.run(path, ["--kubeconfig", kubeconfig] + arguments, stdin: stdin, timeout: timeout)
    }

    func kubectlInBackground(_ arguments: [String]) throws -> Shell.Background {
        guard let path = Self.kubectlPath else { throw FixtureError("kubectl.1.32 not found") }
        return try Shell.Background(path, ["--kubeconfig", kubeconfig] + arguments)
    }
}

actor FixtureCache {
    private var fixture: LabFixture?

    func get() async throws -> LabFixture {
        if let fixture { return fixture }
        let made = try await LabFixture.make()
        fixture = made
        return made
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
