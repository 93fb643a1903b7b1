import TestSupport
import Foundation
import Testing

/// What a real kubelet and image do that the lab must do too: `$(VAR)` expansion of command and
/// args, images whose tcpdump cannot capture (a missing privilege-drop user), and the pod
/// `kubectl debug node/…` makes.
@Suite(.serialized) struct KubeletFidelityOnLabTests {
    @Test func commandAndArgsAreExpandedLikeAKubelet() throws {
        let lab = try LabCluster(["--nodes", "1"])
        defer { lab.down() }
        // printf gets its arguments without a shell; the second container goes through sh, whose
        // single quotes the kubelet ignores (it expands before any shell runs).
        let pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: expander}
        spec:
          restartPolicy: Never
          containers:
          - name: direct
            image: busybox
            command: [printf, "%s|", "$$", "$(FOO)", "$$(FOO)", "$(NOPE)", "$(POD)", "$FOO", "$(GREETING)"]
            env:
            - {name: FOO, value: bar}
            - {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
            - {name: GREETING, value: "hi-$(FOO)-$$(FOO)"}
          - name: shell
            image: busybox
            command: [sh, -c]
            args: ["printf '%s|' '$(FOO)' '$$(FOO)' '$$' \\"$(NODE)\\""]
            env:
            - {name: FOO, value: bar}
            - {name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
        """
        let made = try lab.k(["create", "-f", "-"], stdin: pod)
        #expect(made.status == 0, "\(made)")
        let done = try lab.k(["wait", "--for=jsonpath={.status.phase}=Succeeded", "pod/expander", "--timeout=20s"])
        #expect(done.status == 0, "\(done)")
        let direct = try lab.k(["logs", "expander", "-c", "direct"])
        #expect(direct.stdout == "$|bar|$(FOO)|$(NOPE)|expander|$FOO|hi-bar-$(FOO)|", "\(direct)")
        let node = try #require(try lab.nodes().first)
        let shell = try lab.k(["logs", "expander", "-c", "shell"])
        #expect(shell.stdout == "bar|$(FOO)|$|\(node)|", "\(shell)")
    }

    /// `kubectl debug node/N` (kubectl sends the Pod as protobuf): the host's `/` at /host with
    /// host namespaces and privilege, attached with -i, for each profile that mounts /host.
    @Test(arguments: ["legacy", "sysadmin", "general"])
    func kubectlDebugNodeWorks(profile: String) throws {
        let lab = try LabCluster(["--nodes", "1"])
        defer { lab.down() }
        let node = try #require(try lab.nodes().first)
        let debug = try lab.k(["debug", "node/\(node)", "--profile=\(profile)", "-i", "--image=busybox", "--",
                               "sh", "-c", "sleep 0.5; cat /host/etc/hostname"], timeout: 60)
        #expect(debug.status == 0 && debug.stdout.contains(node), "\(debug)")
        let pod = try lab.k(["get", "pods", "-o", "jsonpath={.items[0].spec.hostPID} {.items[0].spec.volumes[0].hostPath.path}"])
        #expect(pod.stdout == "true /", "\(pod)")
    }

    @Test func tcpdumpImagesThatCannotCapture() throws {
        let lab = try LabCluster(["--nodes", "1"])
        defer { lab.down() }
        try lab.run("nouser", image: "aksnet/tcpdump-nouser")
        try lab.run("broken", image: "aksnet/tcpdump-broken")
        let failure = "tcpdump: Couldn't find user 'aksnet-nouser'"
        // Traffic for a capture that does start: pings to the pod's gateway while tcpdump waits for one packet.
        let captureOne = "gw=$(ip -4 route show default | cut -d' ' -f3); ping -c 20 -i 0.2 -W 1 $gw >/dev/null 2>&1 & "
            + "tcpdump -i eth0 -w /dev/null -c 1 \"$@\"; echo rc=$?; kill $! 2>/dev/null"

        for pod in ["nouser", "broken"] {
            let plain = try lab.k(["exec", pod, "--", "tcpdump", "-i", "eth0", "-w", "-", "-c", "1"])
            #expect(plain.status == 1 && plain.stderr.contains(failure), "\(pod): \(plain)")
            let compiled = try lab.k(["exec", pod, "--", "tcpdump", "-d", "-i", "eth0"])
            #expect(compiled.status == 0 && compiled.stdout.contains("(000)"), "\(pod) -d: \(compiled)")
        }
        let rescued = try lab.k(["exec", "nouser", "--", "sh", "-c", captureOne, "sh", "-Z", "root"])
        #expect(rescued.stdout.contains("rc=0") && !rescued.stderr.contains(failure), "nouser with -Z root: \(rescued)")
        let still = try lab.k(["exec", "broken", "--", "sh", "-c", captureOne, "sh", "-Z", "root"])
        #expect(still.stdout.contains("rc=1") && still.stderr.contains(failure), "broken with -Z root: \(still)")
        let stillGlued = try lab.k(["exec", "broken", "--", "tcpdump", "-Zroot", "-i", "eth0", "-w", "-", "-c", "1", "--", "tcp"])
        #expect(stillGlued.status == 1 && stillGlued.stderr.contains(failure), "broken with -Zroot: \(stillGlued)")
        // A plain image's tcpdump is the host's.
        try lab.run("plain", image: "nicolaka/netshoot")
        let plain = try lab.k(["exec", "plain", "--", "sh", "-c", captureOne])
        #expect(plain.stdout.contains("rc=0"), "netshoot: \(plain)")
    }
}
