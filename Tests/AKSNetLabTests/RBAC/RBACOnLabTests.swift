import Foundation
import KubeModel
import Testing
import TestSupport

/// manifests/rbac on a lab that enforces RBAC: a fresh user (a token in the lab's token file)
/// bound to a command's role runs the command; another bound to the same role minus one rule
/// gets one line naming the verb and resource it lacks, as kubectl words a 403.
/// inspect, by design, does not fail without its node permissions: it gives the API part and one
/// line naming what it may not do.
struct RBACOnLabTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// A lab, its admin applying manifests/rbac/NAME.yaml, and users made on demand.
    struct Lab {
        let cluster: LabCluster
        var plugin: String { PluginOnLabTests.plugin }

        func apply(_ file: String) throws {
            let applied = try cluster.k(["apply", "-f", RBACOnLabTests.root + "/manifests/rbac/\(file).yaml"])
            guard applied.status == 0 else { throw FixtureError("kubectl apply \(file): \(applied)") }
        }

        /// A user known by a new token (the lab rereads its token file on each request).
        func user(_ name: String) throws -> String {
            let token = "tok-\(name)-\(UInt32.random(in: 0...UInt32.max))"
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: cluster.dir + "/tokens"))
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("\(token),\(name)\n".utf8))
            return token
        }

        /// `kubectl create (cluster)rolebinding NAME --(cluster)role=ROLE --user=NAME`.
        func bind(_ user: String, clusterRole: String? = nil, role: String? = nil, namespace: String = "default") throws {
            let args = clusterRole.map { ["create", "clusterrolebinding", user, "--clusterrole=\($0)", "--user=\(user)"] }
                ?? ["create", "rolebinding", user, "--role=\(role ?? "")", "--user=\(user)", "-n", namespace]
            let made = try cluster.k(args)
            guard made.status == 0 else { throw FixtureError("bind \(user): \(made)") }
        }

        /// A copy of a role (ClusterRole, or Role in `namespace`) with one permission less: `verb` taken
        /// out of the one rule that grants it on `resource` (the rule goes when no verb is left).
        func without(_ resource: String, verb: String, from name: String, kind: String = "clusterrole",
                     namespace: String = "default") throws -> String {
            let got = try cluster.k(["get", kind, name, "-n", namespace, "-o", "json"])
            guard case .object(var role) = try JSONValue.parse(got.stdout) else { throw FixtureError("\(name): \(got)") }
            let rules = role["rules"]?.arrayValue ?? []
            var changed = 0
            var kept: [JSONValue] = []
            for var rule in rules {
                let verbs = rule["verbs"]?.arrayValue ?? []
                if (rule["resources"]?.arrayValue ?? []).contains(.string(resource)), verbs.contains(.string(verb)) {
                    changed += 1
                    let left = verbs.filter { $0 != .string(verb) }
                    if left.isEmpty { continue }
                    guard case .object(var edited) = rule else { continue }
                    edited["verbs"] = .array(left)
                    rule = .object(edited)
                }
                kept.append(rule)
            }
            guard changed == 1 else { throw FixtureError("\(name): \(changed) rules grant \(verb) \(resource), not one") }
            let copy = "\(name)-no-\(resource.replacingOccurrences(of: "/", with: "-"))-\(verb)"
            role["rules"] = .array(kept)
            var metadata = JSONObject()
            metadata["name"] = .string(copy)
            if kind == "role" { metadata["namespace"] = .string(namespace) }
            role["metadata"] = .object(metadata)
            let made = try cluster.k(["create", "-f", "-"], stdin: JSONValue.object(role).serialized())
            guard made.status == 0 else { throw FixtureError("create \(copy): \(made)") }
            return copy
        }

        func run(_ token: String, _ args: [String], timeout: Double = 90) throws -> ProcessResult {
            try Shell.run(plugin, Array(args.prefix(1)) + cluster.kc + ["--context", "aksnet-lab-token", "--token", token] + args.dropFirst(),
                          timeout: timeout)
        }
    }

    /// Exit 1 and one line: kubectl's `… is forbidden: User "U" cannot VERB resource "RESOURCE" …`
    /// (sniff follows it with one `(RBAC: this needs permission to …)` hint line, nothing else).
    static func refused(_ result: ProcessResult, user: String, _ verbResource: String, _ label: String) {
        let lines = result.stderr.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(result.status == 1, "\(label): \(result)")
        #expect(lines.first?.contains("is forbidden: User \"\(user)\" cannot \(verbResource)") == true, "\(label): \(result.stderr)")
        let rest = lines.dropFirst()
        #expect(rest.count <= 1 && rest.allSatisfy { $0.trimmingCharacters(in: .whitespaces).hasPrefix("(RBAC: this needs permission to") },
                "\(label): more than the error line: \(result.stderr)")
    }

    @Test func sniffWithItsRolesAndWithoutOneRule() throws {
        let cluster = try LabCluster(["--nodes", "1"])
        defer { cluster.down() }
        let lab = Lab(cluster: cluster)
        let node = try #require(try cluster.nodes().first)
        try cluster.run("web")
        try lab.apply("aksnet-sniff")
        try lab.apply("aksnet-sniff-ephemeral")
        let out = cluster.dir + "/c.pcap"

        let full = try lab.user("sniffer")
        try lab.bind("sniffer", clusterRole: "aksnet-sniff")
        for target in ["web", "node/\(node)"] {
            let ran = try lab.run(full, ["sniff", target, "--duration", "2s", "-o", out, "-q"])
            #expect(ran.status == 0, "sniff \(target) as sniffer: \(ran)")
        }
        let noPatch = try lab.without("pods/ephemeralcontainers", verb: "patch", from: "aksnet-sniff")
        let lacking = try lab.user("sniffer-no-patch")
        try lab.bind("sniffer-no-patch", clusterRole: noPatch)
        Self.refused(try lab.run(lacking, ["sniff", "web", "--mode", "ephemeral", "--duration", "2s", "-o", out, "-q"]), user: "sniffer-no-patch",
                     "patch resource \"pods/ephemeralcontainers\"", "sniff without patch")
        let noCreate = try lab.without("pods", verb: "create", from: "aksnet-sniff")
        let lackingCreate = try lab.user("sniffer-no-create")
        try lab.bind("sniffer-no-create", clusterRole: noCreate)
        Self.refused(try lab.run(lackingCreate, ["sniff", "node/\(node)", "--duration", "2s", "-o", out, "-q"]), user: "sniffer-no-create",
                     "create resource \"pods\"", "sniff node without create pods")

        // The namespaced Role: ephemeral captures in `default` only.
        let scoped = try lab.user("sniffer-default")
        try lab.bind("sniffer-default", role: "aksnet-sniff-ephemeral")
        let ran = try lab.run(scoped, ["sniff", "web", "--mode", "ephemeral", "--duration", "2s", "-o", out, "-q"])
        #expect(ran.status == 0, "sniff web with the Role: \(ran)")
        // Without exec there is no capture (without attach there is one, and a warning naming
        // pods/attach: the container then ends at its deadline instead of at once).
        let noExec = try lab.without("pods/exec", verb: "get", from: "aksnet-sniff-ephemeral", kind: "role")
        let lackingExec = try lab.user("sniffer-no-exec")
        try lab.bind("sniffer-no-exec", role: noExec)
        Self.refused(try lab.run(lackingExec, ["sniff", "web", "--mode", "ephemeral", "--duration", "2s", "-o", out, "-q"]),
                     user: "sniffer-no-exec", "get resource \"pods/exec\"", "sniff with the Role without exec")
    }

    @Test func inspectWithItsRolesAndWithoutExec() throws {
        let cluster = try LabCluster(["--nodes", "2"])
        defer { cluster.down() }
        let lab = Lab(cluster: cluster)
        try lab.apply("aksnet-inspect")
        let token = try lab.user("inspector")
        try lab.bind("inspector", clusterRole: "aksnet-inspect")
        try lab.bind("inspector", role: "aksnet-inspect", namespace: "kube-system")
        let ran = try lab.run(token, ["inspect", "-o", "json", "--quiet"], timeout: 180)
        #expect(ran.status == 0, "inspect as inspector: \(ran)")
        let report = try JSONValue.parse(ran.stdout)
        #expect(report["missingPermissions"] == .array([]), "\(ran.stdout.prefix(600))")
        #expect(report["notCollected"] == .array([]), "every node collected")
        let ids = (report["findings"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
        #expect(!ids.contains("api-read-failed") && !ids.contains("missing-permissions"), "\(ids)")

        let noExec = try lab.without("pods/exec", verb: "get", from: "aksnet-inspect")
        let lacking = try lab.user("inspector-no-exec")
        try lab.bind("inspector-no-exec", clusterRole: noExec)
        try lab.bind("inspector-no-exec", role: "aksnet-inspect", namespace: "kube-system")
        let partial = try lab.run(lacking, ["inspect", "-o", "json"], timeout: 180)
        #expect(partial.status == 0, "\(partial)")
        let said = partial.stderr.split(separator: "\n").filter { $0.contains("API-only") }
        #expect(said.count == 1 && said.first?.contains("get pods/exec") == true, "one line naming the verb: \(partial.stderr)")
        let apiOnly = try JSONValue.parse(partial.stdout)
        #expect((apiOnly["missingPermissions"]?.arrayValue ?? []).contains(.string("get pods/exec")), "\(partial.stdout.prefix(600))")
        #expect((apiOnly["nodes"]?.arrayValue ?? []).count == 2, "the API part still lists the nodes")
        let left = try cluster.k(["get", "pods,daemonsets", "-A", "-l", "app.kubernetes.io/managed-by=kubectl-aksnet", "-o", "name"])
        #expect(left.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "left: \(left.stdout)")
    }

    @Test func jumpShellWithItsRoleAndWithoutExec() throws {
        let cluster = try LabCluster(["--nodes", "1"])
        defer { cluster.down() }
        let lab = Lab(cluster: cluster)
        let node = try #require(try cluster.nodes().first)
        try lab.apply("aksnet-jump")
        let token = try lab.user("jumper")
        try lab.bind("jumper", clusterRole: "aksnet-jump")
        let ran = try lab.run(token, ["jump", "--shell", node, "--", "cat", "/etc/hostname"])
        #expect(ran.status == 0 && !ran.stdout.isEmpty, "jump --shell as jumper: \(ran)")
        let listed = try lab.run(token, ["jump", "--print-ssh-config"])
        #expect(listed.status == 0 && listed.stdout.contains(node), "\(listed)")
        let noExec = try lab.without("pods/exec", verb: "get", from: "aksnet-jump")
        let lacking = try lab.user("jumper-no-exec")
        try lab.bind("jumper-no-exec", clusterRole: noExec)
        Self.refused(try lab.run(lacking, ["jump", "--shell", node, "--", "true"]), user: "jumper-no-exec",
                     "get resource \"pods/exec\"", "jump --shell without exec")
        // kubectl auth can-i (SelfSubjectAccessReview) answers from the same rules.
        func canI(_ token: String, _ args: [String]) throws -> String {
            try cluster.k(["--context", "aksnet-lab-token", "--token", token, "auth", "can-i"] + args).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try canI(token, ["get", "pods", "--subresource=exec", "-n", "aksnet-system"]) == "yes")
        #expect(try canI(lacking, ["get", "pods", "--subresource=exec", "-n", "aksnet-system"]) == "no")
        #expect(try canI(lacking, ["create", "pods", "-n", "aksnet-system"]) == "yes")
        #expect(try canI(token, ["delete", "nodes"]) == "no")
        // Nothing left behind by the refused run.
        let left = try cluster.k(["get", "pods", "-A", "-l", "app.kubernetes.io/managed-by=kubectl-aksnet", "-o", "name"])
        #expect(left.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "left: \(left.stdout)")
    }

    @Test func cleanupWithItsRoleAndWithoutDelete() throws {
        let cluster = try LabCluster(["--nodes", "1"])
        defer { cluster.down() }
        let lab = Lab(cluster: cluster)
        try lab.apply("aksnet-cleanup")
        let made = try cluster.k(["run", "aksnet-left", "--image=busybox", "-l", "app.kubernetes.io/managed-by=kubectl-aksnet", "--", "sleep", "3600"])
        try #require(made.status == 0, "\(made)")
        let noDelete = try lab.without("pods", verb: "delete", from: "aksnet-cleanup")
        let lacking = try lab.user("cleaner-no-delete")
        try lab.bind("cleaner-no-delete", clusterRole: noDelete)
        let refused = try lab.run(lacking, ["cleanup", "-A"])
        #expect(refused.status == 1 && refused.stderr.contains("is forbidden: User \"cleaner-no-delete\" cannot delete resource \"pods\""),
                "cleanup without delete: \(refused)")
        let token = try lab.user("cleaner")
        try lab.bind("cleaner", clusterRole: "aksnet-cleanup")
        let ran = try lab.run(token, ["cleanup", "-A"])
        #expect(ran.status == 0 && ran.stdout.contains("aksnet-left"), "cleanup as cleaner: \(ran)")
        let noList = try lab.without("pods", verb: "list", from: "aksnet-cleanup")
        let blind = try lab.user("cleaner-no-list")
        try lab.bind("cleaner-no-list", clusterRole: noList)
        Self.refused(try lab.run(blind, ["cleanup", "-A"]), user: "cleaner-no-list", "list resource \"pods\"", "cleanup without list")
    }
}
