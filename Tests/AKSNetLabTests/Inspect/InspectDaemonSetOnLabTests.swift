import Foundation
import TestSupport
import Testing

/// Past `--daemonset-threshold`: one DaemonSet instead of a pod per node, on the lab's DaemonSet
/// controller (a pod per Linux node, owned by the DaemonSet, gone with it); the lab's controller
/// itself checked with kubectl.
@Suite(.serialized) struct InspectDaemonSetOnLabTests {
    @Test func theLabsDaemonSetControllerBehavesLikeKubernetes() throws {
        let lab = try InspectLab(["--nodes", "3", "--windows-nodes", "1"])
        defer { lab.down() }
        let manifest = """
        {"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"probe","namespace":"default"},
         "spec":{"selector":{"matchLabels":{"app":"probe"}},"template":{"metadata":{"labels":{"app":"probe"}},
          "spec":{"nodeSelector":{"kubernetes.io/os":"linux"},"containers":[{"name":"c","image":"busybox","command":["sleep","3600"]}]}}}}
        """
        #expect(try lab.cluster.k(["apply", "-f", "-"], stdin: manifest).status == 0)
        let ready = try lab.cluster.k(["wait", "--for=condition=Ready", "pod", "-l", "app=probe", "--timeout=30s"])
        #expect(ready.status == 0, "\(ready)")
        let placed = try lab.cluster.k(["get", "pods", "-l", "app=probe", "-o",
                                        "jsonpath={range .items[*]}{.spec.nodeName} {.metadata.ownerReferences[0].kind}{\"\\n\"}{end}"]).stdout
        let nodes = try lab.cluster.nodes()
        #expect(Set(placed.split(separator: "\n").map(String.init)) == Set(nodes.map { "\($0) DaemonSet" }), "\(placed)")
        let status = try lab.cluster.k(["get", "ds", "probe", "-o", "jsonpath={.status.desiredNumberScheduled} {.status.numberReady}"]).stdout
        #expect(status == "3 3", "\(status)")
        #expect(try lab.cluster.k(["delete", "ds", "probe"]).status == 0)
        let deadline = Date().addingTimeInterval(15)
        var left = "x"
        while !left.isEmpty && Date() < deadline {
            left = try lab.cluster.k(["get", "pods", "-l", "app=probe", "-o", "name"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            usleep(200_000)
        }
        #expect(left.isEmpty, "the DaemonSet's pods go with it: \(left)")
        #expect(try lab.cluster.k(["get", "pods", "-n", "kube-system", "-o", "name"]).stdout.isEmpty,
                "the kube-system DaemonSets the lab plays itself get no pods")
    }

    @Test func inspectPastTheThresholdUsesOneDaemonSet() throws {
        let lab = try InspectLab(["--nodes", "3", "--windows-nodes", "1"])
        defer { lab.down() }
        let bundle = lab.dir + "/ds.tar.gz"
        let run = try lab.inspect(["--daemonset-threshold", "2", "-o", "json", "--bundle", bundle, "-v", "6"])
        #expect(run.status == 0, "\(run.stderr.suffix(2000))")
        #expect(run.stderr.contains("POST ") && run.stderr.contains("/namespaces/aksnet-system/daemonsets 201"), "one DaemonSet")
        #expect(!run.stderr.contains("/namespaces/aksnet-system/pods 201"), "no pod per node")
        #expect(run.stderr.contains("DELETE ") && run.stderr.contains("/namespaces/aksnet-system/daemonsets/aksnet-inspect-"))
        let evidence = try InspectLab.evidence(bundle)
        for node in try lab.cluster.nodes() {
            #expect(InspectLab.node(evidence, node)?["collected"] as? Bool == true, "\(node)")
            #expect(InspectLab.output(evidence, node, "pod-network-probe")?.split(separator: "\n").count == 2)
        }
        #expect(InspectLab.nodes(evidence).contains { ($0["node"] as? String)?.hasPrefix("akswin") == true && $0["collected"] as? Bool == false })
        #expect(try lab.waitNoManagedPods().isEmpty)
    }
}
