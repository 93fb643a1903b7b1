import AKSNet
import KubeModel
import Testing

@Suite struct JumpPodsTests {
    let options = HelperPodOptions(image: "nicolaka/netshoot", imagePullSecrets: ["acr"], deadlineSeconds: 1800,
                                   session: "0a1b2c3d", command: "jump", commandLine: "kubectl aksnet jump --stdio n1", createdBy: "admin")

    @Test func relayIsUnprivilegedAndFollowsTheContract() throws {
        let pod = JumpPods.relay(name: "aksnet-jump-n1-0a1b2c3d", runOn: "n1", targetNode: "n1", targetIP: "10.224.0.4",
                                 targetPort: 22, options: options, firstUser: "0a1b2c3d")
        let spec = try #require(pod["spec"])
        let container = try #require(spec["containers"]?.arrayValue?.first)
        let labels = try #require(pod["metadata"]?["labels"])
        let table: [(JSONValue?, JSONValue?)] = [
            (pod["metadata"]?["namespace"], "aksnet-system"),
            (labels["app.kubernetes.io/managed-by"], "kubectl-aksnet"),
            (labels["aksnet.io/session"], "0a1b2c3d"),
            (labels["aksnet.io/command"], "jump"),
            (labels["aksnet.io/jump-role"], "relay"),
            (labels["aksnet.io/jump-node"], "n1"),
            (labels["aksnet.io/jump-port"], "22"),
            (pod["metadata"]?["annotations"]?["aksnet.io/created-by"], "admin"),
            (pod["metadata"]?["annotations"]?["aksnet.io/jump-user-0a1b2c3d"], "1"),
            (spec["nodeName"], "n1"),
            (spec["hostNetwork"], nil),
            (spec["hostPID"], nil),
            (spec["activeDeadlineSeconds"], 1800),
            (spec["nodeSelector"]?["kubernetes.io/os"], "linux"),
            (spec["tolerations"], [["operator": "Exists"]]),
            (spec["imagePullSecrets"], [["name": "acr"]]),
            (spec["automountServiceAccountToken"], false),
            (container["securityContext"]?["privileged"], nil),
            (container["securityContext"]?["capabilities"], ["drop": ["ALL"]]),
            (container["securityContext"]?["runAsNonRoot"], true),
            (container["securityContext"]?["allowPrivilegeEscalation"], false),
            (container["volumeMounts"], nil),
            (container["command"], ["timeout", "1800", "socat", "TCP-LISTEN:2222,bind=127.0.0.1,fork,reuseaddr",
                                    "TCP:10.224.0.4:22,connect-timeout=10"]),
        ]
        for (index, (got, want)) in table.enumerated() { #expect(got == want, "row \(index): \(String(describing: got))") }
        #expect(!pod.serialized().contains("$"), "a kubelet would expand $ in the command")
    }

    @Test func relayForAWindowsNodeRunsElsewhereAndIPv6IsBracketed() {
        let pod = JumpPods.relay(name: "r", runOn: "linux-1", targetNode: "akswin000000", targetIP: "fd00::5", targetPort: 22, options: options)
        #expect(pod["spec"]?["nodeName"] == "linux-1")
        #expect(pod["metadata"]?["labels"]?["aksnet.io/jump-node"] == "akswin000000")
        #expect(pod["spec"]?["containers"]?.arrayValue?.first?["command"]?.arrayValue?.last == "TCP6:[fd00::5]:22,connect-timeout=10")
    }

    @Test(arguments: ShellProfile.allCases) func shellProfiles(profile: ShellProfile) throws {
        let pod = JumpPods.shell(name: "aksnet-shell-n1-0a1b2c3d", node: "n1", profile: profile, options: options)
        let spec = try #require(pod["spec"])
        let container = try #require(spec["containers"]?.arrayValue?.first)
        #expect(pod["metadata"]?["namespace"] == "aksnet-system")
        #expect(pod["metadata"]?["labels"]?["aksnet.io/jump-role"] == "shell")
        #expect(spec["nodeName"] == "n1" && spec["hostNetwork"] == true && spec["hostPID"] == true)
        #expect(spec["activeDeadlineSeconds"] == 1800)
        #expect(container["command"] == ["sleep", "1800"])
        switch profile {
        case .sysadmin:
            #expect(container["securityContext"]?["privileged"] == true)
            #expect(container["volumeMounts"]?.arrayValue?.first?["mountPath"] == "/host")
            #expect(container["volumeMounts"]?.arrayValue?.first?["readOnly"] == nil)
        case .netadmin:
            #expect(container["securityContext"]?["privileged"] == nil)
            #expect(container["securityContext"]?["capabilities"] == ["add": ["NET_ADMIN", "NET_RAW"]])
            #expect(container["volumeMounts"] == nil && spec["volumes"] == nil)
        case .general:
            #expect(container["securityContext"]?["privileged"] == nil && container["securityContext"]?["capabilities"] == nil)
            #expect(spec["volumes"]?.arrayValue?.first?["hostPath"]?["path"] == "/")
        }
    }

    @Test func windowsShellIsAHostProcessPodOnThatNode() throws {
        let pod = JumpPods.windowsShell(name: "aksnet-shell-akswin000000-0a1b2c3d", node: "akswin000000",
                                        image: JumpPods.windowsShellImage, options: options)
        let spec = try #require(pod["spec"])
        let container = try #require(spec["containers"]?.arrayValue?.first)
        let table: [(JSONValue?, JSONValue?)] = [
            (pod["metadata"]?["namespace"], "aksnet-system"),
            (pod["metadata"]?["labels"]?["app.kubernetes.io/managed-by"], "kubectl-aksnet"),
            (pod["metadata"]?["labels"]?["aksnet.io/session"], "0a1b2c3d"),
            (pod["metadata"]?["labels"]?["aksnet.io/jump-role"], "shell"),
            (spec["nodeName"], "akswin000000"),
            (spec["nodeSelector"], ["kubernetes.io/os": "windows"]),
            (spec["tolerations"], [["operator": "Exists"]]),
            (spec["hostNetwork"], true),
            (spec["hostPID"], nil),
            (spec["securityContext"]?["windowsOptions"]?["hostProcess"], true),
            (spec["securityContext"]?["windowsOptions"]?["runAsUserName"], "NT AUTHORITY\\SYSTEM"),
            (spec["activeDeadlineSeconds"], 1800),
            (spec["imagePullSecrets"], [["name": "acr"]]),
            (spec["volumes"], nil),
            (container["name"], "shell"),
            (container["image"], "mcr.microsoft.com/oss/kubernetes/windows-host-process-containers-base-image:v1.0.0"),
            (container["securityContext"], nil),
            (container["command"], ["powershell.exe", "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", "Start-Sleep -Seconds 1800"]),
        ]
        for (index, (got, want)) in table.enumerated() { #expect(got == want, "row \(index): \(String(describing: got))") }
        #expect(!pod.serialized().contains("$"), "a kubelet would expand $ in the command")
        #expect(JumpPods.windowsShellCommand(command: []) == ["powershell.exe", "-NoLogo"])
        #expect(JumpPods.windowsShellCommand(command: ["ipconfig", "/all"]) == ["ipconfig", "/all"])
    }

    @Test func shellCommandChrootsOnlyForSysadmin() {
        #expect(JumpPods.shellCommand(profile: .sysadmin, command: ["sh", "-c", "exit 7"]) == ["chroot", "/host", "sh", "-c", "exit 7"])
        #expect(JumpPods.shellCommand(profile: .netadmin, command: ["ip", "route"]) == ["ip", "route"])
        let interactive = JumpPods.shellCommand(profile: .sysadmin, command: [])
        #expect(interactive.prefix(3) == ["chroot", "/host", "sh"])
        #expect(!interactive.contains { $0.contains("nsenter") })
    }
}
