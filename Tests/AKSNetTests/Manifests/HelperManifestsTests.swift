@testable import AKSNet
import KubeModel
import Testing

/// The manifests hold DESIGN.md's helper contract: every pod labelled for cleanup, bounded by a
/// deadline, pinned to its node and tolerating every taint, Linux only; nothing else privileged
/// than the node helpers and the sysadmin shell.
struct HelperManifestsTests {
    static var pods: [(String, JSONValue)] {
        HelperManifests.files.flatMap { file in file.objects.filter { $0["kind"] == "Pod" }.map { (file.path, $0) } }
    }

    @Test func pathsAreUniqueAndEveryCommandIsThere() {
        let paths = HelperManifests.files.map(\.path)
        #expect(Set(paths).count == paths.count)
        for expected in ["namespace.yaml", "sniff/node-helper.yaml", "sniff/ephemeral-patch.yaml", "jump/relay.yaml",
                         "jump/shell-sysadmin.yaml", "jump/shell-netadmin.yaml", "jump/shell-general.yaml", "rbac/aksnet-sniff.yaml"] {
            #expect(paths.contains(expected), "\(expected)")
        }
        #expect(HelperManifests.inspectFiles.isEmpty, "inspect's files come with inspect")
    }

    @Test func everyPodHoldsTheHelperContract() {
        #expect(Self.pods.count == 5)
        for (path, pod) in Self.pods {
            #expect(pod["metadata"]?["labels"]?[HelperLabels.managedByKey] == .string(HelperLabels.managedByValue), "\(path)")
            #expect(pod["metadata"]?["namespace"] == .string(HelperLabels.namespace), "\(path)")
            #expect((pod["spec"]?["activeDeadlineSeconds"]?.intValue ?? 0) > 0, "\(path)")
            #expect(pod["spec"]?["nodeName"] == .string(HelperManifests.node), "\(path)")
            #expect(pod["spec"]?["tolerations"] == [["operator": "Exists"]], "\(path)")
            #expect(pod["spec"]?["nodeSelector"]?["kubernetes.io/os"] == "linux", "\(path)")
            #expect(pod["spec"]?["automountServiceAccountToken"] == false, "\(path)")
            let privileged = pod["spec"]?["containers"]?.arrayValue?.first?["securityContext"]?["privileged"] == true
            #expect(privileged == (path == "sniff/node-helper.yaml" || path == "jump/shell-sysadmin.yaml"), "\(path)")
        }
    }

    @Test func theEphemeralPatchAddsNoCapability() throws {
        let patch = try #require(HelperManifests.files.first { $0.path == "sniff/ephemeral-patch.yaml" }?.objects.first)
        let container = try #require(patch["spec"]?["ephemeralContainers"]?.arrayValue?.first)
        #expect(container["securityContext"]?["capabilities"] == nil && container["securityContext"]?["privileged"] == nil)
        #expect(container["name"] == .string(HelperNames.ephemeralContainer(command: "sniff", session: HelperManifests.session)))
    }
}
