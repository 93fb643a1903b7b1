@testable import AKSNet
import Foundation
import KubeModel
import TestSupport
import Testing

@Suite struct InspectRendererTests {
    static let broken = InspectAnalyzer.analyze(LabEvidence(plugin: .kubenet, breaks: [.ipForwardOff(1), .noMasquerade(0)]).evidence)

    @Test func textPutsFindingsFirstWithEvidenceAndFix() throws {
        let text = InspectRenderer.render(Self.broken, format: .text, color: false)
        #expect(text.hasPrefix("Findings (2 error, 1 warning, 1 info)"))
        let forward = try #require(text.range(of: "ERROR ip-forward-off"))
        let cluster = try #require(text.range(of: "\nCluster\n"))
        #expect(forward.lowerBound < cluster.lowerBound)
        #expect(text.contains("[aks-nodepool1-12345678-vmss000001 sysctls:3] net.ipv4.ip_forward = 0"))
        #expect(text.contains("fix: On the node: sysctl -w net.ipv4.ip_forward=1"))
        #expect(text.contains("network mode      kubenet"))
        #expect(text.contains("Data path (kubenet; example nodes aks-nodepool1-12345678-vmss000000, aks-nodepool1-12345678-vmss000001)"))
        #expect(!text.contains("\u{1B}["))
    }

    @Test func colourOnlyWhenAsked() {
        let text = InspectRenderer.render(Self.broken, format: .text, color: true)
        #expect(text.contains("\u{1B}[1;31mERROR\u{1B}[0m"))
    }

    @Test func jsonIsVersionedAndAPureFunctionOfTheEvidence() throws {
        let evidence = LabEvidence(plugin: .overlay, breaks: [.mtuMismatch(2)]).evidence
        let first = InspectRenderer.render(InspectAnalyzer.analyze(evidence), format: .json, color: false)
        // Through the bundle's JSON form and back: the same bytes.
        let reread = try ClusterEvidence(json: try JSONValue.parse(evidence.json.serialized()))
        let second = InspectRenderer.render(InspectAnalyzer.analyze(reread), format: .json, color: false)
        #expect(first == second)
        let json = try JSONValue.parse(first)
        #expect(json["apiVersion"]?.stringValue == "aksnet.io/inspect/v1")
        #expect(json["kind"]?.stringValue == "InspectReport")
        #expect(json["exitCode"]?.intValue == 3)
        #expect(json["findings"]?.arrayValue?.first?["id"]?.stringValue == "mtu-mismatch")
        #expect(json["cluster"]?["networkMode"]?.stringValue == "azure-cni-overlay")
        #expect(json["dataPath"]?["flows"]?.arrayValue?.count == 4)
    }

    @Test func markdownAndHTMLArePlaceholdersAroundTheText() {
        let markdown = InspectRenderer.render(Self.broken, format: .markdown, color: true)
        #expect(markdown.hasPrefix("# aksnet inspect\n\n```text\nFindings"))
        #expect(!markdown.contains("\u{1B}["))
        let html = InspectRenderer.render(Self.broken, format: .html, color: false)
        #expect(html.contains("<pre>") && !html.contains("<ip-masq"))
    }

    @Test func dataPathUsesTheLabsNamesAndAddresses() throws {
        let kubenet = try #require(InspectAnalyzer.analyze(LabEvidence(plugin: .kubenet).evidence).dataPath)
        let words = kubenet.flows.flatMap(\.hops).map(\.text).joined(separator: "\n")
        for expected in ["veth0a1b2c30", "cbr0", "10.244.0.1/24", "10.244.1.0/24 → 10.224.0.5", "default route via 10.224.0.1",
                         "10.244.1.0/24 dev cbr0", "MASQUERADEd to 10.224.0.4", "kube-dns 10.0.0.10", "-j KUBE-SVC-TCOU7JCQXEZGVUNU"] {
            #expect(words.contains(expected), "\(expected) not in:\n\(words)")
        }
        let azure = try #require(InspectAnalyzer.analyze(LabEvidence(plugin: .azure).evidence).dataPath)
        let azureWords = azure.flows.flatMap(\.hops).map(\.text).joined(separator: "\n")
        #expect(azureWords.contains("azv0a1b2c3d4e0") && azureWords.contains("169.254.1.1") && azureWords.contains("secondary IP"))
        #expect(azure.flows.map(\.id) == [DataPathFlow.sameNode, DataPathFlow.crossNode, DataPathFlow.service, DataPathFlow.internet])
    }
}

/// Every report validates against the shipped JSON Schema (schema/inspect-v1.schema.json), with
/// the repo's `.venv` python and its `jsonschema` (a dependency of kubernetes-validate).
@Suite struct InspectSchemaTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let python = root.appendingPathComponent(".venv/bin/python").path
    static let schema = root.appendingPathComponent("schema/inspect-v1.schema.json").path

    static func reports() -> [InspectReport] {
        var reports: [InspectReport] = []
        for plugin in [LabEvidence.Plugin.kubenet, .azure, .overlay] {
            reports.append(InspectAnalyzer.analyze(LabEvidence(plugin: plugin, policy: "azure").evidence))
            reports.append(InspectAnalyzer.analyze(LabEvidence(plugin: plugin, dual: true, breaks: [.missingRoute(0), .policyDrop(1), .realConntrackFull(2)]).evidence))
        }
        var partial = LabEvidence().evidence
        partial.nodes[0] = NodeEvidence(node: partial.nodes[0].node, collected: false, reason: "Windows", hint: "run it by hand")
        partial.missingPermissions = ["create pods"]
        partial.apiErrors = ["kube-system/daemonsets": "forbidden"]
        reports.append(InspectAnalyzer.analyze(partial))
        reports.append(InspectAnalyzer.analyze(ClusterEvidence(collectedAt: "")))
        return reports
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: python)))
    func everyReportValidatesAgainstTheSchema() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("aksnet-inspect-schema-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var files: [String] = []
        for (i, report) in Self.reports().enumerated() {
            let file = directory.appendingPathComponent("report\(i).json").path
            try InspectRenderer.render(report, format: .json, color: false).write(toFile: file, atomically: true, encoding: .utf8)
            files.append(file)
        }
        // A report that breaks the schema must fail: the validator is really checking.
        let bad = directory.appendingPathComponent("bad.json").path
        try "{\"apiVersion\":\"aksnet.io/inspect/v1\",\"kind\":\"InspectReport\"}".write(toFile: bad, atomically: true, encoding: .utf8)
        let script = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        bad = 0
        for path in sys.argv[2:]:
            errors = list(validator.iter_errors(json.load(open(path))))
            for e in errors[:3]:
                print(path, list(e.absolute_path), e.message)
            bad += 1 if errors else 0
        sys.exit(bad)
        """
        let good = try Shell.run(Self.python, ["-c", script, Self.schema] + files, timeout: 60)
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        let rejected = try Shell.run(Self.python, ["-c", script, Self.schema, bad], timeout: 60)
        #expect(rejected.status == 1, "\(rejected)")
    }
}
