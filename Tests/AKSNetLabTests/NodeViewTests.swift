import TestSupport
import Foundation
import Testing
@testable import AKSNetLab

/// A node-mode helper pod as sniff, jump and inspect make them: hostNetwork, privileged, the
/// node's `/` at /host. In the lab that is a real bind mount in the container's own mount
/// namespace; exec joins it; `chroot /host` runs the node's view; nothing shows outside.
@Suite(.serialized) struct NodeViewTests {
    @Test func hostPathRootIsTheNodesRootInsideThePodOnly() throws {
        let lab = try LabCluster(["--nodes", "1", "--network-plugin", "azure"])
        defer { lab.down() }
        func k(_ args: [String], stdin: String? = nil) throws -> ProcessResult { try lab.k(args, stdin: stdin) }
        let node = try k(["get", "nodes", "-o", "jsonpath={.items[0].metadata.name}"]).stdout
        let manifest = """
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "nodeview"},
             "spec": {"nodeName": "\(node)", "hostNetwork": true,
                      "containers": [{"name": "shell", "image": "nicolaka/netshoot", "command": ["sleep", "3600"],
                                      "securityContext": {"privileged": true},
                                      "volumeMounts": [{"name": "host", "mountPath": "/host"}]}],
                      "volumes": [{"name": "host", "hostPath": {"path": "/"}}]}}
            """
        #expect(try k(["create", "-f", "-"], stdin: manifest).status == 0)
        #expect(try k(["wait", "--for=condition=Ready", "pod/nodeview", "--timeout=20s"]).status == 0)
        // A second node pod on the same node finds the node root already prepared.
        #expect(try k(["create", "-f", "-"], stdin: manifest.replacingOccurrences(of: #""name": "nodeview""#, with: #""name": "nodeview2""#)).status == 0)
        #expect(try k(["wait", "--for=condition=Ready", "pod/nodeview2", "--timeout=20s"]).status == 0)
        let conflist = try k(["exec", "nodeview", "--", "cat", "/host/etc/cni/net.d/10-azure.conflist"])
        #expect(conflist.status == 0 && conflist.stdout.contains("azure-vnet"), "\(conflist)")
        let chrooted = try k(["exec", "nodeview", "--", "chroot", "/host", "sh", "-c", "cat /etc/hostname; ls /var/run"])
        #expect(chrooted.stdout.hasPrefix(node + "\n"), "\(chrooted)")
        #expect(chrooted.stdout.contains("azure-vnet.json"))
        // exec starts in the container's working directory, as a runtime's exec does.
        let workdir = #"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "wd"}, "spec": {"containers": [{"name": "c", "image": "busybox", "command": ["sleep", "3600"], "workingDir": "/tmp"}]}}"#
        #expect(try k(["create", "-f", "-"], stdin: workdir).status == 0)
        #expect(try k(["wait", "--for=condition=Ready", "pod/wd", "--timeout=20s"]).status == 0)
        #expect(try k(["exec", "wd", "--", "pwd"]).stdout == "/tmp\n")
        let outside = (try? FileManager.default.contentsOfDirectory(atPath: "/host")) ?? []
        #expect(!outside.contains("etc"), "the bind mount must stay inside the pod's mount namespace")
        let registry = { (try? String(contentsOfFile: HostMountPoints.registry, encoding: .utf8)) ?? "" }
        #expect(registry().contains("/host\t\(lab.dir)"), "the lab records its use of /host")
        #expect(try LifecycleTests.lab(["down", "--dir", lab.dir]).status == 0)
        // Other labs of the run may use /host at the same time: /host goes with its last user.
        #expect(!registry().contains("\t\(lab.dir)\n"), "down dropped this lab's uses")
        // /host is gone unless another lab (of the parallel run) uses it now.
        #expect(!FileManager.default.fileExists(atPath: "/host") || registry().contains("/host\t"),
                "the lab made /host and nobody uses it any more: it is gone")
    }
}
