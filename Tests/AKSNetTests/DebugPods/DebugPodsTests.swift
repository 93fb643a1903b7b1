import AKSNet
import KubeModel
import Testing

@Suite struct DebugPodsTests {
    let options = HelperPodOptions(image: "nicolaka/netshoot", imagePullSecrets: ["acr"], deadlineSeconds: 3600,
                                   session: "0a1b2c3d", command: "sniff", commandLine: "kubectl aksnet sniff node/n1", createdBy: "admin")

    @Test func nodeHelperFollowsTheContract() throws {
        let pod = DebugPods.nodeHelper(name: "aksnet-sniff-n1-0a1b2c3d", node: "n1", options: options)
        let labels = try #require(pod["metadata"]?["labels"])
        let table: [(JSONValue?, JSONValue)] = [
            (pod["metadata"]?["namespace"], "aksnet-system"),
            (labels["app.kubernetes.io/managed-by"], "kubectl-aksnet"),
            (labels["aksnet.io/session"], "0a1b2c3d"),
            (labels["aksnet.io/command"], "sniff"),
            (pod["metadata"]?["annotations"]?["aksnet.io/created-by"], "admin"),
            (pod["spec"]?["nodeName"], "n1"),
            (pod["spec"]?["hostNetwork"], true),
            (pod["spec"]?["activeDeadlineSeconds"], 3600),
            (pod["spec"]?["restartPolicy"], "Never"),
            (pod["spec"]?["nodeSelector"]?["kubernetes.io/os"], "linux"),
            (pod["spec"]?["tolerations"], [["operator": "Exists"]]),
            (pod["spec"]?["imagePullSecrets"], [["name": "acr"]]),
            (pod["spec"]?["containers"]?.arrayValue?.first?["securityContext"]?["privileged"], true),
            (pod["spec"]?["containers"]?.arrayValue?.first?["command"], ["sleep", "3600"]),
            (pod["spec"]?["containers"]?.arrayValue?.first?["volumeMounts"]?.arrayValue?.first?["mountPath"], "/host"),
            (pod["spec"]?["volumes"]?.arrayValue?.first?["hostPath"]?["path"], "/"),
        ]
        for (index, (got, want)) in table.enumerated() { #expect(got == want, "row \(index)") }
    }

    @Test func ephemeralContainerAddsNoCapabilityAndRunsAsRootForItself() {
        let container = DebugPods.ephemeralCapture(name: "aksnet-sniff-0a1b2c3d", targetContainer: "app", options: options)
        #expect(container["securityContext"] == ["runAsUser": 0, "runAsNonRoot": false])
        #expect(container["securityContext"]?["capabilities"] == nil)
        #expect(container["securityContext"]?["privileged"] == nil)
        #expect(container["targetContainerName"] == "app")
        #expect(container["image"] == "nicolaka/netshoot")
        // Lives while its stdin is open (the session's attach), bounded by the deadline.
        #expect(container["command"] == ["timeout", "3600", "cat"])
        #expect(container["stdin"] == true && container["stdinOnce"] == true && container["tty"] == false)
        let patch = DebugPods.ephemeralPatch(container)
        #expect(patch["spec"]?["ephemeralContainers"]?.arrayValue?.count == 1)
    }

    /// A kubelet expands `$(NAME)` and turns `$$` into `$` in a container's command and args:
    /// no helper command may hold a `$`, or it would run something else on a real node.
    @Test func helperCommandsHoldNothingAKubeletWouldExpand() {
        let node = DebugPods.nodeHelper(name: "h", node: "n", options: options)
        let ephemeral = DebugPods.ephemeralCapture(name: "aksnet-sniff-1", targetContainer: nil, options: options)
        let words = (node["spec"]?["containers"]?.arrayValue ?? []).flatMap { ($0["command"]?.arrayValue ?? []) + ($0["args"]?.arrayValue ?? []) }
            + (ephemeral["command"]?.arrayValue ?? []) + (ephemeral["args"]?.arrayValue ?? [])
        #expect(words.count >= 4)
        for word in words { #expect(word.stringValue?.contains("$") == false, "\(word)") }
    }

    @Test func helperNamespaceIsLabelledPrivileged() {
        let namespace = DebugPods.helperNamespace()
        #expect(namespace["metadata"]?["name"] == "aksnet-system")
        #expect(namespace["metadata"]?["labels"]?["pod-security.kubernetes.io/enforce"] == "privileged")
    }

    @Test func namesAreDNSLabels() {
        #expect(HelperLabels.dnsLabel(["aksnet-sniff", "AKS_nodepool1.0", "abc"]) == "aksnet-sniff-aks-nodepool1-0-abc")
        #expect(HelperLabels.dnsLabel([String(repeating: "x", count: 80)]).count == 63)
        #expect(HelperLabels.newSessionID().count == 8)
    }
}
