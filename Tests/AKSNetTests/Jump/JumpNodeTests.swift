import AKSNet
import KubeModel
import Testing

@Suite struct JumpNodeTests {
    static func node(_ name: String, ip: String, os: String = "linux", ready: String = "True") -> JSONValue {
        ["metadata": ["name": .string(name), "labels": ["kubernetes.io/os": .string(os)]],
         "status": ["addresses": [["type": "Hostname", "address": .string(name)], ["type": "InternalIP", "address": .string(ip)]],
                    "conditions": [["type": "Ready", "status": .string(ready), "reason": "KubeletReady"]]]]
    }

    let nodes = [node("aks-nodepool1-0", ip: "10.224.0.4"), node("aks-nodepool1-1", ip: "10.224.0.5"),
                 node("akswin000000", ip: "10.224.0.6", os: "windows"), node("aks-down-0", ip: "10.224.0.7", ready: "False")]
        .map(JumpNode.from)

    @Test func readsANode() {
        #expect(nodes[0] == JumpNode(name: "aks-nodepool1-0", internalIP: "10.224.0.4", os: "linux", ready: true, readyReason: "KubeletReady"))
        #expect(nodes[2].isWindows && !nodes[3].ready)
    }

    @Test func matchesANameOrAnInternalIP() {
        #expect(JumpNode.match("aks-nodepool1-1", in: nodes)?.name == "aks-nodepool1-1")
        #expect(JumpNode.match("10.224.0.4", in: nodes)?.name == "aks-nodepool1-0")
        #expect(JumpNode.match("AKS-NODEPOOL1-0", in: nodes)?.name == "aks-nodepool1-0")
        #expect(JumpNode.match("10.224.0.99", in: nodes) == nil)
        #expect(JumpNode.match("nope", in: nodes) == nil)
    }

    @Test func relayRunsOnTheNodeOrOnALinuxNodeForWindows() {
        #expect(JumpNode.relayHost(for: nodes[1], among: nodes)?.name == "aks-nodepool1-1")
        #expect(JumpNode.relayHost(for: nodes[2], among: nodes)?.name == "aks-nodepool1-0")
        #expect(JumpNode.relayHost(for: nodes[2], among: [nodes[2], nodes[3]]) == nil)
    }

    @Test func errorsAreOneLineAndSayWhatWorks() {
        let refused = JumpError.sshRefused(node: "n1", ip: "10.224.0.4", port: 22).description
        #expect(refused == "node n1 (10.224.0.4) does not accept SSH on port 22: SSH may be disabled on this node pool "
            + "(az aks nodepool update --ssh-access …); use --shell")
        #expect(JumpError.sshMissing.description.contains("openssh-client"))
        let windows = JumpError.sshRefused(node: "akswin000000", ip: "10.224.9.4", port: 22, windows: true).description
        #expect(windows.hasSuffix("or the Windows node runs no OpenSSH server") && !windows.contains("--shell"))
        #expect(JumpError.windowsProfile(node: "akswin000000", profile: "netadmin").description
            == "node akswin000000 is a Windows node: its --shell is a HostProcess container running as NT AUTHORITY\\SYSTEM; "
            + "--profile netadmin applies to Linux nodes only")
        for error in [JumpError.unknownNode("x", known: ["a", "b"]), .notReady(node: "n", reason: "r"), .sshMissing] {
            #expect(!error.description.contains("\n"))
        }
    }

    /// A node name is looked up with one GET; anything else (an IP, upper case) by a list.
    @Test(arguments: [
        ("aks-nodepool1-12345678-vmss000000", true), ("akswin000000", true), ("node.example", true),
        ("10.224.0.4", false), ("fd00::5", false), ("AKS-Node", false), ("", false), ("a b", false),
        (String(repeating: "a", count: 254), false),
    ])
    func nodeNamesGetOneGet(text: String, isName: Bool) {
        #expect(NodeNameSyntax.accepts(text) == isName)
    }
}
