import TestSupport
import Foundation
import Testing

/// `kubectl aksnet sniff` and `cleanup` on the lab (2 Linux nodes, and a Windows one for the
/// errors), one small lab per case: captures read back by tshark, every stop path leaving no
/// helper, and the clear errors. Run one at a time: each case times real captures.
@Suite(.serialized) struct SniffOnLabTests {
    static var plugin: String { PluginOnLabTests.plugin }
    static let managed = "app.kubernetes.io/managed-by=kubectl-aksnet"

    final class Lab: @unchecked Sendable {
        let dir: String
        let kubectl: String
        var kc: [String] { ["--kubeconfig", dir + "/kubeconfig"] }
        init(dir: String, kubectl: String) { self.dir = dir; self.kubectl = kubectl }

        func k(_ args: [String], stdin: String? = nil) throws -> ProcessResult {
            try Shell.run(kubectl, kc + args, stdin: stdin, timeout: 30)
        }
        func sniff(_ args: [String], timeout: Double = 60) throws -> ProcessResult {
            try Shell.run(SniffOnLabTests.plugin, ["sniff"] + kc + args, timeout: timeout)
        }
        func sniffInBackground(_ args: [String]) throws -> Background {
            try Background(SniffOnLabTests.plugin, ["sniff"] + kc + args)
        }
        func managedPods() throws -> String {
            try k(["get", "pods", "-A", "-l", SniffOnLabTests.managed, "-o", "name"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func waitRunning(_ pod: String, namespace: String = "default") throws {
            var phase = ""
            for _ in 0..<100 where phase != "Running" {
                phase = try k(["get", "pod", pod, "-n", namespace, "-o", "jsonpath={.status.phase}"]).stdout
                if phase != "Running" { usleep(100_000) }
            }
            #expect(phase == "Running", "pod \(namespace)/\(pod) is \(phase)")
        }
        func podIP(_ pod: String) throws -> String {
            try k(["get", "pod", pod, "-o", "jsonpath={.status.podIP}"]).stdout
        }
        func createPod(_ name: String, node: String, namespace: String = "default") throws {
            let spec = """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"\(name)","namespace":"\(namespace)","labels":{"app":"sniffme"}},
             "spec":{"nodeName":"\(node)","containers":[{"name":"main","image":"busybox","command":["sleep","3600"]}]}}
            """
            let made = try k(["create", "-f", "-"], stdin: spec)
            #expect(made.status == 0, "\(made)")
        }
        /// `ping -c N` from a pod, through the plugin's own exec.
        func ping(from pod: String, to ip: String, count: Int = 3) throws -> ProcessResult {
            try Shell.run(SniffOnLabTests.plugin, ["exec"] + kc + [pod, "--", "ping", "-c", String(count), "-i", "0.2", ip], timeout: 30)
        }
    }

    static func tshark(_ file: String, _ filter: String? = nil) throws -> ProcessResult {
        try Shell.run("/usr/bin/tshark", ["-r", file] + (filter.map { ["-Y", $0] } ?? []), timeout: 30)
    }

    /// One case's own lab: two Linux nodes (and a Windows one when asked) with pod `a` on the
    /// first and `b` on the second, Running. Each case brings up its own, so the first failure
    /// hides nothing (`up` takes under a second; the suite runs its cases one at a time).
    struct Setup {
        let lab: Lab
        let linux: [String]
        let windows: [String]
        let ipB: String
    }

    static func withLab(windowsNodes: Int = 0, _ body: (Setup) throws -> Void) throws {
        let kubectl = try #require(LabFixture.kubectlPath)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aksnet-sniff-\(UUID().uuidString)").path
        defer { _ = try? LifecycleTests.lab(["down", "--dir", dir]); try? FileManager.default.removeItem(atPath: dir) }
        let up = try LifecycleTests.lab(["up", "--dir", dir, "--nodes", "2"] + (windowsNodes > 0 ? ["--windows-nodes", String(windowsNodes)] : []))
        #expect(up.status == 0, "\(up.stderr)")
        let lab = Lab(dir: dir, kubectl: kubectl)
        let linux = try lab.k(["get", "nodes", "-l", "kubernetes.io/os=linux", "-o", "jsonpath={.items[*].metadata.name}"]).stdout
            .split(separator: " ").map(String.init)
        let windows = try lab.k(["get", "nodes", "-l", "kubernetes.io/os=windows", "-o", "jsonpath={.items[*].metadata.name}"]).stdout
            .split(separator: " ").map(String.init)
        try #require(linux.count == 2 && windows.count == windowsNodes, "nodes: \(linux) \(windows)")
        try lab.createPod("a", node: linux[0])
        try lab.createPod("b", node: linux[1])
        try lab.waitRunning("a")
        try lab.waitRunning("b")
        try body(Setup(lab: lab, linux: linux, windows: windows, ipB: try lab.podIP("b")))
    }

    /// The pod side (ephemeral container) and the node side (node mode) of one ICMP flow.
    /// Each mode once per transport: port-forward to socat (the default) and exec stdout.
    @Test(arguments: zip(["ephemeral", "node"], ["port-forward", "exec"]))
    func pingIsCapturedOnBothSides(mode: String, transport: String) throws {
        try Self.withLab { setup in
            let lab = setup.lab, peer = setup.ipB
            let file = lab.dir + "/ping-\(mode).pcap"
            let sniff = try lab.sniffInBackground(["a", "--mode", mode, "--transport", transport, "-f", "icmp", "-o", file, "--count", "6"])
            #expect(sniff.waitFor("capturing", inErrors: true, timeout: 30), "\(mode): \(sniff.errors)")
            #expect(try lab.ping(from: "a", to: peer).status == 0)
            let code = sniff.wait(timeout: 20)
            #expect(code == 0, "\(mode): exit \(String(describing: code)) \(sniff.errors)")
            #expect(sniff.errors.contains("\(mode) mode") && sniff.errors.contains("over \(transport)"), "\(sniff.errors)")
            let read = try Self.tshark(file, "icmp")
            #expect(read.status == 0, "\(read)")
            #expect(read.stdout.contains("Echo (ping) request") && read.stdout.contains("Echo (ping) reply"), "\(mode): \(read.stdout)")
            #expect(read.stdout.contains(peer))
            var info = stat()
            #expect(stat(file, &info) == 0 && info.st_mode & 0o777 == 0o600)
            #expect(try lab.managedPods().isEmpty, "\(mode) left helpers")
            guard mode == "ephemeral" else { return }
            // The ephemeral container cannot be deleted, but its process is ended after the capture.
            var states = ""
            for _ in 0..<30 {
                states = try lab.k(["get", "pod", "a", "-o", "jsonpath={.status.ephemeralContainerStatuses[*].state}"]).stdout
                if states.contains("terminated") && !states.contains("running") { break }
                usleep(100_000)
            }
            #expect(states.contains("terminated") && !states.contains("running"), "ephemeral containers: \(states)")
        }
    }

    /// A kubelet whose relist is slow (`pleg-lag=20s`: a started container shows in the pod's
    /// status 20 s later; a real kubelet's generic PLEG relists every second): sniff captures as
    /// soon as the kubelet runs its container (an exec of `true` is upgraded), in both modes,
    /// long before the status could say Running.
    @Test(arguments: ["ephemeral", "node"])
    func capturesBeforeTheStatusSaysRunning(mode: String) throws {
        try Self.withLab { setup in
            let lab = setup.lab
            #expect(try LifecycleTests.lab(["fault", "--dir", lab.dir, "set", "pleg-lag=20s"]).status == 0)
            let file = lab.dir + "/early-\(mode).pcap"
            let started = Date()
            let sniff = try lab.sniffInBackground(["a", "--mode", mode, "-f", "icmp", "-o", file, "--count", "2"])
            #expect(sniff.waitFor("capturing", inErrors: true, timeout: 30), "\(mode): \(sniff.errors)")
            let took = Date().timeIntervalSince(started)
            #expect(took < 10, "\(mode): sniff waited for the status: \(took) s")
            #expect(try lab.ping(from: "a", to: setup.ipB, count: 2).status == 0)
            let code = sniff.wait(timeout: 20)
            #expect(code == 0, "\(mode): exit \(String(describing: code)) \(sniff.errors)")
            #expect(try Self.tshark(file, "icmp").stdout.contains("Echo (ping) request"), "\(mode)")
            #expect(try lab.managedPods().isEmpty, "\(mode) left helpers")
        }
    }

    /// `--duration` is capture time: with every API answer 1.5 s late, the capture's own stream
    /// comes up after more than the 1 s asked for, and the run still captures for a second and
    /// reports tcpdump's counts. It used to call the duration reached before tcpdump listened:
    /// no "capturing" line, no counts, and a file of whatever the late stream brought (or,
    /// under the throttling storm, nothing, with exit 0).
    @Test func durationCountsFromTheCaptureNotFromTheRequest() throws {
        try Self.withLab { setup in
            let lab = setup.lab
            let pinger = try Background(Self.plugin, ["exec"] + lab.kc + ["a", "--", "ping", "-c", "600", "-i", "0.1", setup.ipB])
            defer { _ = pinger.stop() }
            #expect(pinger.waitFor("bytes from", timeout: 20), "\(pinger.errors)")
            #expect(try LifecycleTests.lab(["fault", "--dir", lab.dir, "set", "api-latency=1500ms"]).status == 0)
            let file = lab.dir + "/late.pcap"
            let run = try lab.sniff(["a", "--mode", "node", "-f", "icmp", "--duration", "1s", "-o", file], timeout: 120)
            _ = try LifecycleTests.lab(["fault", "--dir", lab.dir, "clear"])
            #expect(run.status == 0 && run.stderr.contains("--duration 1s reached"), "\(run)")
            #expect(run.stderr.contains("sniff: capturing pod/default/a") && run.stderr.contains("packets captured"), "\(run.stderr)")
            let packets = try Self.tshark(file, "icmp").stdout.split(separator: "\n").count
            #expect(packets >= 4, "\(packets) packets in a second of 10 pings a second each way: \(run.stderr)")
            #expect(try lab.managedPods().isEmpty)
        }
    }

    /// Pods a and b and b's node in one pcapng: three named interfaces, packets from each, in time order.
    @Test func threeTargetsMergeIntoOnePcapng() throws {
        try Self.withLab { setup in
            let lab = setup.lab, node = setup.linux[1], peer = setup.ipB
            let file = lab.dir + "/three.pcapng"
            let sniff = try lab.sniffInBackground(["a", "pod/b", "node/\(node)", "-f", "icmp", "-o", file])
            #expect(sniff.waitFor("capturing", inErrors: true, timeout: 30), "\(sniff.errors)")
            #expect(try lab.ping(from: "a", to: peer).status == 0)
            usleep(500_000)
            sniff.signal(SIGINT)
            #expect(sniff.wait(timeout: 20) == 0, "\(sniff.errors)")
            let info = try Shell.run("/usr/bin/capinfos", [file], timeout: 20)
            #expect(info.status == 0, "\(info)")
            #expect(info.stdout.contains("Number of interfaces in file: 3"), "\(info.stdout)")
            let fields = try Shell.run("/usr/bin/tshark", ["-r", file, "-T", "fields", "-e", "frame.interface_name", "-e", "frame.time_epoch",
                                                           "-e", "icmp.type"], timeout: 20)
            #expect(fields.status == 0, "\(fields)")
            let rows = fields.stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
            let names = Set(rows.compactMap(\.first))
            #expect(names == ["pod/default/a", "pod/default/b", "node/\(node)"], "\(names)")
            let times = rows.compactMap { $0.count > 1 ? Double($0[1]) : nil }
            #expect(times == times.sorted(), "packets out of time order")
            #expect(rows.contains { $0.first == "pod/default/b" && $0.last == "8" } && rows.contains { $0.first == "pod/default/a" && $0.last == "0" })
            #expect(try lab.managedPods().isEmpty)
        }
    }

    /// `deploy/NAME` and `-l SELECTOR -A` capture each running pod they match, one interface each.
    @Test func deploymentsAndSelectorsResolveToTheirPods() throws {
        try Self.withLab { setup in
            let lab = setup.lab
            let deployment = """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2,
             "selector":{"matchLabels":{"app":"sniffme"}},"template":{"metadata":{"labels":{"app":"sniffme"}},
             "spec":{"containers":[{"name":"main","image":"busybox"}]}}}}
            """
            #expect(try lab.k(["create", "-f", "-"], stdin: deployment).status == 0)
            for (name, args) in [("deploy", ["deploy/web"]), ("selector", ["-l", "app=sniffme", "-A"])] {
                let file = lab.dir + "/\(name).pcapng"
                let run = try lab.sniff(args + ["--duration", "1s", "-q", "-o", file])
                #expect(run.status == 0, "\(name): \(run)")
                let info = try Shell.run("/usr/bin/capinfos", [file], timeout: 20).stdout
                #expect(info.contains("Name = pod/default/a") && info.contains("Name = pod/default/b"), "\(name): \(info)")
            }
            #expect(try lab.k(["delete", "deployment", "web"]).status == 0)
        }
    }

    /// SIGINT, SIGTERM and a reader that leaves (`| head -c 1000`) each delete the helper and end cleanly.
    @Test func stopsLeaveNoHelperAndAReadableFile() throws {
        try Self.withLab { setup in
            let lab = setup.lab, node = setup.linux[0], peer = setup.ipB
            let traffic = try Background(Self.plugin, ["exec"] + lab.kc + ["a", "--", "ping", "-c", "200", "-i", "0.05", peer])
            defer { _ = traffic.stop() }
            for signal in [SIGINT, SIGTERM] {
                let file = lab.dir + "/signal-\(signal).pcap"
                let sniff = try lab.sniffInBackground(["node/\(node)", "-o", file])
                #expect(sniff.waitFor("capturing", inErrors: true, timeout: 30), "\(sniff.errors)")
                usleep(500_000)
                sniff.signal(signal)
                let code = sniff.wait(timeout: 20)
                #expect(code == 0, "signal \(signal): exit \(String(describing: code)) \(sniff.errors)")
                #expect(try lab.managedPods().isEmpty, "signal \(signal) left helpers")
                let read = try Self.tshark(file)
                #expect(read.status == 0 && !read.stdout.isEmpty, "signal \(signal): \(read)")
            }
            let piped = try Shell.run("/bin/sh", ["-c", "\"$0\" sniff \"$@\" -o - | head -c 1000 > /dev/null; echo status=$?",
                                                  Self.plugin] + lab.kc + ["a", "--quiet"], timeout: 40)
            #expect(piped.stdout.contains("status=0"), "\(piped)")
            #expect(try lab.managedPods().isEmpty, "| head left helpers")
        }
    }

    @Test func clearErrors() throws {
        try Self.withLab(windowsNodes: 1) { setup in
            let lab = setup.lab, windowsNode = setup.windows.first ?? "", linuxNode = setup.linux[0]
            let windows = try lab.sniff(["node/\(windowsNode)", "-o", lab.dir + "/w.pcap"])
            #expect(windows.status == 1 && windows.stderr.contains("Windows") && windows.stderr.contains("pktmon"), "\(windows)")

            let missing = try lab.sniff(["nosuchpod", "-o", lab.dir + "/m.pcap"])
            #expect(missing.status == 1 && missing.stderr.contains("pods \"nosuchpod\" not found"), "\(missing)")

            let locked = #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"locked","labels":{"pod-security.kubernetes.io/enforce":"restricted"}}}"#
            #expect(try lab.k(["create", "-f", "-"], stdin: locked).status == 0)
            let restrictedPod = """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"r","namespace":"locked"},
             "spec":{"nodeName":"\(linuxNode)","securityContext":{"runAsNonRoot":true,"runAsUser":1000,"seccompProfile":{"type":"RuntimeDefault"}},
                     "containers":[{"name":"main","image":"busybox","command":["sleep","3600"],
                       "securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]}}
            """
            #expect(try lab.k(["create", "-f", "-"], stdin: restrictedPod).status == 0)
            try lab.waitRunning("r", namespace: "locked")
            let restricted = try lab.sniff(["-n", "locked", "r", "--mode", "ephemeral", "-o", lab.dir + "/r.pcap"])
            #expect(restricted.status == 1 && restricted.stderr.contains("pod-security.kubernetes.io/enforce=restricted")
                    && restricted.stderr.contains("--mode node"), "\(restricted)")

            let auto = try lab.sniff(["-n", "locked", "r", "--duration", "1s", "-o", lab.dir + "/auto.pcapng"])
            #expect(auto.status == 0 && auto.stderr.contains("node mode") && auto.stderr.contains("enforces PodSecurity restricted"), "\(auto)")

            let pending = """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"stuck"},
             "spec":{"nodeName":"\(linuxNode)","containers":[{"name":"main","image":"example.invalid/nothing:1"}]}}
            """
            #expect(try lab.k(["create", "-f", "-"], stdin: pending).status == 0)
            usleep(300_000)
            let notRunning = try lab.sniff(["stuck", "-o", lab.dir + "/s.pcapng"])
            #expect(notRunning.status == 1 && notRunning.stderr.contains("is not Running"), "\(notRunning)")

            let noViewer = try Shell.run(Self.plugin, ["sniff"] + lab.kc + ["node/\(linuxNode)", "--wireshark"],
                                         environment: ["PATH": "/nonexistent", "HOME": lab.dir], timeout: 30)
            #expect(noViewer.status == 1 && noViewer.stderr.contains("tshark") && noViewer.stderr.contains("apt-get install"), "\(noViewer)")

            let viewer = try lab.sniff(["--context", "aksnet-lab-viewer", "node/\(linuxNode)", "-o", lab.dir + "/v.pcap"])
            #expect(viewer.status == 1 && viewer.stderr.contains("Forbidden") && viewer.stderr.contains("create pods"), "\(viewer)")

            let image = try lab.sniff(["node/\(linuxNode)", "--image", "example.invalid/nosuch:1", "-o", lab.dir + "/i.pcap"])
            #expect(image.status == 1 && image.stderr.contains("ErrImagePull") && image.stderr.contains("Failed to pull image"), "\(image)")

            let filter = try lab.sniff(["node/\(linuxNode)", "-f", "'; rm -rf /'", "-o", lab.dir + "/f.pcap"])
            #expect(filter.status == 1 && filter.stderr.contains("syntax error"), "\(filter)")
            #expect(try lab.managedPods().isEmpty, "errors left helpers")
        }
    }

    /// `--keep` leaves the node helper; a second run reuses it; cleanup removes it.
    @Test func cleanupRemovesLeftovers() throws {
        try Self.withLab { setup in
            let lab = setup.lab, node = setup.linux[1]
            let first = try lab.sniff(["node/\(node)", "--keep", "--duration", "1s", "-o", lab.dir + "/k1.pcap"])
            #expect(first.status == 0, "\(first)")
            let kept = try lab.managedPods()
            #expect(!kept.isEmpty)
            let second = try lab.sniff(["node/\(node)", "--keep", "--duration", "1s", "-o", lab.dir + "/k2.pcap"])
            #expect(second.status == 0 && second.stderr.contains("reusing helper"), "\(second)")
            let dry = try Shell.run(Self.plugin, ["cleanup"] + lab.kc + ["-A", "--dry-run"], timeout: 20)
            #expect(dry.status == 0 && dry.stdout.contains("would be deleted"), "\(dry)")
            #expect(try lab.managedPods() == kept)
            let young = try Shell.run(Self.plugin, ["cleanup"] + lab.kc + ["-A", "--older-than", "1h"], timeout: 20)
            let afterYoung = try lab.managedPods()
            #expect(young.status == 0 && afterYoung == kept, "\(young)")
            let all = try Shell.run(Self.plugin, ["cleanup"] + lab.kc + ["-A"], timeout: 20)
            #expect(all.status == 0 && all.stdout.contains("deleted"), "\(all)")
            #expect(try lab.managedPods().isEmpty)
        }
    }

    /// The API server cuts the streams (the lab's `stream-drop` fault): sniff says which stream
    /// was cut, exits 1, and leaves a pcapng tshark reads, with the packets that arrived, and no helper.
    @Test func aDroppedStreamLeavesAValidFileAndNoHelper() throws {
        try Self.withLab { setup in
            let lab = setup.lab, node = setup.linux[1], peer = setup.ipB
            let traffic = try Background(Self.plugin, ["exec"] + lab.kc + ["a", "--", "ping", "-c", "100", "-i", "0.05", "-s", "1000", peer])
            defer { _ = traffic.stop() }
            #expect(try LifecycleTests.lab(["fault", "--dir", lab.dir, "set", "stream-drop=64Ki"]).status == 0)
            defer { _ = try? LifecycleTests.lab(["fault", "--dir", lab.dir, "clear"]) }
            let file = lab.dir + "/dropped.pcapng"
            let cut = try lab.sniff(["a", "node/\(node)", "-o", file], timeout: 60)
            #expect(cut.status == 1 && cut.stderr.contains("was cut after"), "\(cut)")
            let read = try Self.tshark(file)
            #expect(read.status == 0 && !read.stdout.isEmpty, "a cut capture is still a valid file: \(read)")
            #expect(try lab.managedPods().isEmpty, "the cut left helpers")
        }
    }
}
