@testable import AKSNet
import Foundation
import KubeModel
import Testing
import TestSupport

/// Bundles: tar and gzip read back what they wrote, the evidence survives a round trip exactly,
/// files are 0600, and a bad file is one clear error, never a trap.
@Suite struct InspectBundleTests {
    static let evidence = ClusterEvidence(
        collectedAt: "2026-12-05T18:00:00Z", context: "lab", server: "https://127.0.0.1:6443",
        api: ["nodes": ["kind": "List", "items": [["metadata": ["name": "n1"]]]]],
        apiErrors: ["version": "forbidden: get /version"], missingPermissions: [],
        nodes: [NodeEvidence(node: "n1", collected: true, runs: [
                    CommandRun(id: "sysctls", argv: ["sysctl"], exitCode: 0, durationMs: 3, output: "net.ipv4.ip_forward = 0\n"),
                    CommandRun(id: "ipvsadm", argv: ["ipvsadm"], exitCode: 127, durationMs: 1, output: "", stderr: "not found"),
                    CommandRun(id: "iptables-save", argv: ["iptables-save", "-c"], exitCode: nil, durationMs: 0,
                               output: String(repeating: "-A KUBE-SERVICES -j ACCEPT ünïcode\n", count: 3000), truncated: true)]),
                NodeEvidence(node: "win1", collected: false, reason: "Windows node", hint: "Get-HnsNetwork")])

    @Test func tarRoundTripIncludingLongNames() throws {
        let long = "nodes/" + String(repeating: "a", count: 120) + "/" + String(repeating: "b", count: 90) + ".txt"
        let entries = [Tar.Entry(path: "evidence.json", bytes: Array("{}".utf8)), Tar.Entry(path: long, bytes: []),
                       Tar.Entry(path: "x", bytes: [UInt8](repeating: 7, count: 1025))]
        #expect(try Tar.read(Tar.write(entries)) == entries)
    }

    @Test func tarIsReadByTheSystemTar() throws {
        let dir = NSTemporaryDirectory() + "aksnet-tar-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let archive = try InspectBundle.archive(evidence: Self.evidence, reportJSON: "{}", mtime: 1_700_000_000)
        try Data(archive).write(to: URL(fileURLWithPath: dir + "/b.tar.gz"))
        let listing = try Shell.run("/bin/tar", ["-tzvf", dir + "/b.tar.gz"]).stdout
        #expect(listing.contains("evidence.json") && listing.contains("nodes/n1/sysctls.txt") && listing.contains("nodes/n1/ipvsadm.stderr.txt"), "\(listing)")
        #expect(listing.split(separator: "\n").allSatisfy { $0.hasPrefix("-rw-------") }, "\(listing)")
        let sysctls = try Shell.run("/bin/tar", ["-xzOf", dir + "/b.tar.gz", "nodes/n1/sysctls.txt"]).stdout
        #expect(sysctls == "net.ipv4.ip_forward = 0\n")
    }

    @Test func evidenceRoundTripIsExact() throws {
        let archive = try InspectBundle.archive(evidence: Self.evidence, reportJSON: "{}", mtime: 0)
        #expect(Gzip.isGzip(archive))
        let back = try InspectBundle.evidence(from: archive, name: "b")
        #expect(back == Self.evidence)
        #expect(InspectAnalyzer.analyze(back) == InspectAnalyzer.analyze(Self.evidence))
        // A plain evidence.json and an un-gzipped tar are read too.
        #expect(try InspectBundle.evidence(from: Array(Self.evidence.json.serialized().utf8), name: "e") == Self.evidence)
        let tar = try #require(Gzip.decompress(archive))
        #expect(try InspectBundle.evidence(from: tar, name: "t") == Self.evidence)
    }

    @Test func writtenFilesAre0600EvenWhenTheyExisted() throws {
        let path = NSTemporaryDirectory() + "aksnet-bundle-\(UUID().uuidString).tar.gz"
        FileManager.default.createFile(atPath: path, contents: Data("old".utf8), attributes: [.posixPermissions: 0o644])
        defer { try? FileManager.default.removeItem(atPath: path) }
        try InspectBundle.write(evidence: Self.evidence, reportJSON: "{}", to: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try InspectBundle.read(path: path) == Self.evidence)
    }

    @Test(arguments: [(Array("".utf8), "not a tar archive"), (Array("garbage that is not json or tar".utf8), "not a tar archive"),
                      ([0x1f, 0x8b, 0x08, 0x00, 0x01], "not a readable gzip file"),
                      (Array("{\"schema\":\"other/v9\"}".utf8), "is not aksnet.io/evidence/v1"), (Array("{".utf8), "is not JSON")])
    func badBundlesAreOneClearError(content: [UInt8], says: String) {
        do {
            _ = try InspectBundle.evidence(from: content, name: "b")
            Issue.record("read \(content)")
        } catch {
            #expect(error.description.contains(says), "\(error.description)")
        }
    }

    @Test func aCutOrMutatedBundleNeverTraps() throws {
        let archive = try InspectBundle.archive(evidence: Self.evidence, reportJSON: "{}", mtime: 0)
        let tar = try #require(Gzip.decompress(archive))
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            var bytes = Bool.random(using: &rng) ? archive : tar
            bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
            if !bytes.isEmpty { for _ in 0..<3 { bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) } }
            _ = try? InspectBundle.evidence(from: bytes, name: "m")
        }
    }
}

