@testable import AKSNet
import KubeModel
import Testing

/// What "least privilege" means for the suite's roles, checked on the rules themselves (the lab
/// test, RBACOnLabTests, shows each role is enough).
struct SuiteRolesTests {
    static let all: [(String, [SuiteRoles.Rule])] = [
        ("sniff", SuiteRoles.sniff), ("sniff-ephemeral", SuiteRoles.sniffEphemeral), ("jump", SuiteRoles.jump),
        ("cleanup", SuiteRoles.cleanup), ("inspect", SuiteRoles.inspect), ("inspect kube-system", SuiteRoles.inspectKubeSystem),
    ]
    static let verbs: Set<String> = ["get", "list", "watch", "create", "update", "patch", "delete"]

    @Test func noWildcardNoSecretNoEscalation() {
        for (name, rules) in Self.all {
            for rule in rules {
                #expect(!rule.group.contains("*") && !rule.resources.contains { $0.contains("*") }, "\(name): \(rule)")
                #expect(Set(rule.verbs).isSubset(of: Self.verbs), "\(name): \(rule.verbs)")
                #expect(!rule.resources.contains("secrets") && !rule.resources.contains { $0.hasPrefix("roles") || $0.hasPrefix("clusterroles") },
                        "\(name): \(rule.resources)")
                #expect(!rule.why.isEmpty, "\(name): a rule says why it is there")
            }
        }
    }

    /// A stream is `get` over WebSocket and `create` over a POST (SPDY): both, never one.
    @Test func streamSubresourcesGrantGetAndCreate() {
        for (name, rules) in Self.all {
            for rule in rules where rule.resources.contains(where: { ["pods/exec", "pods/attach", "pods/portforward"].contains($0) }) {
                #expect(Set(rule.verbs) == ["get", "create"], "\(name): \(rule)")
            }
        }
    }

    static func grants(_ rules: [SuiteRoles.Rule]) -> Set<String> {
        Set(rules.flatMap { rule in rule.resources.flatMap { resource in rule.verbs.map { "\(rule.group)/\(resource)/\($0)" } } })
    }

    @Test func theEphemeralRoleIsASubsetOfSniffWithoutNodesOrNewPods() {
        let ephemeral = Self.grants(SuiteRoles.sniffEphemeral)
        #expect(ephemeral.isSubset(of: Self.grants(SuiteRoles.sniff)), "\(ephemeral.subtracting(Self.grants(SuiteRoles.sniff)))")
        #expect(!ephemeral.contains("/pods/create") && !ephemeral.contains { $0.hasPrefix("/nodes/") || $0.hasPrefix("/namespaces/") })
        // Cleanup only lists and deletes what others made.
        #expect(!Self.grants(SuiteRoles.cleanup).contains("/pods/create"))
    }

    @Test func filesHoldOneObjectPerRoleWithItsRules() {
        let names = SuiteRoles.files.map(\.name)
        #expect(names == ["aksnet-sniff", "aksnet-sniff-ephemeral", "aksnet-jump", "aksnet-inspect", "aksnet-cleanup"])
        for file in SuiteRoles.files {
            for object in file.objects {
                #expect(object["apiVersion"] == "rbac.authorization.k8s.io/v1")
                #expect((object["rules"]?.arrayValue ?? []).count > 0, "\(file.name)")
                #expect(object["kind"] == "ClusterRole" ? object["metadata"]?["namespace"] == nil : object["metadata"]?["namespace"] != nil)
            }
        }
        #expect(SuiteRoles.rules(for: "jump") == SuiteRoles.jump && SuiteRoles.rules(for: "nosuch") == nil)
    }
}
