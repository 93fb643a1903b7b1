@testable import AKSNet
import KubeModel
import Testing

/// The manifests hold DESIGN.md's helper contract: every pod labelled for cleanup, bounded by a
/// deadline, pinned to its node and tolerating every taint, Linux only; nothing else privileged
/// than the node helpers (sniff's, inspect's collector) and the sysadmin shell.
struct HelperManifestsTests {
    static var pods: [(String, JSONValue)] {
        HelperManifests.files.flatMap { file in file.objects.filter { $0["kind"] == "Pod" }.map { (file.path, $0) } }
    }

    @Test func pathsAreUniqueAndEveryCommandIsThere() {
        let paths = HelperManifests.files.map(\.path)
        #expect(Set(paths).count == paths.count)
        for expected in ["namespace.yaml", "sniff/node-helper.yaml", "sniff/ephemeral-patch.yaml", "jump/relay.yaml",
                         "jump/shell-sysadmin.yaml", "jump/shell-netadmin.yaml", "jump/shell-general.yaml", "rbac/aksnet-sniff.yaml",
                         "inspect/collector.yaml", "inspect/daemonset.yaml", "rbac/aksnet-inspect.yaml"] {
            #expect(paths.contains(expected), "\(expected)")
        }
    }

    /// inspect's DaemonSet runs the collector's container on the selected Linux nodes, tolerating
    /// every taint, labelled for cleanup; a DaemonSet's pods may not carry a deadline (the run deletes it).
    @Test func inspectsDaemonSetCarriesTheCollector() throws {
        let set = try #require(HelperManifests.files.first { $0.path == "inspect/daemonset.yaml" }?.objects.first)
        let collector = try #require(HelperManifests.files.first { $0.path == "inspect/collector.yaml" }?.objects.first)
        #expect(set["kind"] == "DaemonSet" && set["metadata"]?["labels"]?[HelperLabels.managedByKey] == .string(HelperLabels.managedByValue))
        let template = try #require(set["spec"]?["template"]?["spec"])
        #expect(template["containers"] == collector["spec"]?["containers"])
        #expect(template["tolerations"] == [["operator": "Exists"]] && template["nodeSelector"]?["kubernetes.io/os"] == "linux")
        #expect(template["activeDeadlineSeconds"] == nil && template["nodeName"] == nil)
    }

    @Test func everyPodHoldsTheHelperContract() {
        #expect(Self.pods.count == 7)
        for (path, pod) in Self.pods {
            let windows = path == "jump/shell-windows.yaml"
            #expect(pod["metadata"]?["labels"]?[HelperLabels.managedByKey] == .string(HelperLabels.managedByValue), "\(path)")
            #expect(pod["metadata"]?["namespace"] == .string(HelperLabels.namespace), "\(path)")
            #expect((pod["spec"]?["activeDeadlineSeconds"]?.intValue ?? 0) > 0, "\(path)")
            #expect(pod["spec"]?["nodeName"] == .string(windows ? HelperManifests.windowsNode : HelperManifests.node), "\(path)")
            #expect(pod["spec"]?["tolerations"] == [["operator": "Exists"]], "\(path)")
            #expect(pod["spec"]?["nodeSelector"]?["kubernetes.io/os"] == (windows ? "windows" : "linux"), "\(path)")
            #expect((pod["spec"]?["securityContext"]?["windowsOptions"]?["hostProcess"] == true) == windows, "\(path)")
            #expect(pod["spec"]?["automountServiceAccountToken"] == false, "\(path)")
            let privileged = pod["spec"]?["containers"]?.arrayValue?.first?["securityContext"]?["privileged"] == true
            #expect(privileged == ["sniff/node-helper.yaml", "jump/shell-sysadmin.yaml", "inspect/collector.yaml"].contains(path), "\(path)")
        }
    }

    @Test func theEphemeralPatchAddsNoCapability() throws {
        let patch = try #require(HelperManifests.files.first { $0.path == "sniff/ephemeral-patch.yaml" }?.objects.first)
        let container = try #require(patch["spec"]?["ephemeralContainers"]?.arrayValue?.first)
        #expect(container["securityContext"]?["capabilities"] == nil && container["securityContext"]?["privileged"] == nil)
        #expect(container["name"] == .string(HelperNames.ephemeralContainer(command: "sniff", session: HelperManifests.session)))
    }
}
