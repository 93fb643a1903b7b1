import TestSupport
import Foundation
import KubeModel
import Testing
@testable import AKSNetLab

@Suite(.serialized)
struct APIServerTests {
    // MARK: store (no I/O)

    @Test func storeCreateGetConflictAndNotFound() throws {
        let store = LabStore()
        let created = try store.create(.configMaps, namespace: "default", object: ["metadata": ["generateName": "cm-"], "data": ["a": "1"]])
        #expect(created.name.hasPrefix("cm-") && created.name.count == 8)
        #expect(created["metadata"]?["uid"]?.stringValue?.count == 36)
        #expect(throws: APIError.alreadyExists(.configMaps, created.name)) {
            try store.create(.configMaps, namespace: "default", object: ["metadata": ["name": .string(created.name)]])
        }
        var stale = created
        stale.set(path: ["data", "a"], "2")
        try store.update(.configMaps, namespace: "default", name: created.name, object: stale)
        #expect(throws: APIError.conflict(.configMaps, created.name)) {
            try store.update(.configMaps, namespace: "default", name: created.name, object: stale)
        }
        let missing = APIError.notFound(.pods, "x").status.json
        #expect(missing["message"] == "pods \"x\" not found")
        #expect(missing["details"]?["kind"] == "pods" && missing["details"]?["name"] == "x")
        #expect(throws: APIError.notFound(.namespaces, "nope")) {
            try store.create(.pods, namespace: "nope", object: ["metadata": ["name": "p"]])
        }
    }

    @Test func selectorsAndPaging() throws {
        let store = LabStore()
        for (name, app) in [("a", "web"), ("b", "db"), ("c", "web")] {
            try store.create(.pods, namespace: "default", object: [
                "metadata": ["name": .string(name), "labels": ["app": .string(app)]],
                "spec": ["nodeName": .string(name == "a" ? "n1" : "n2"), "containers": [["name": "c", "image": "busybox"]]],
            ])
        }
        func names(_ label: String = "", _ field: String = "") throws -> [String] {
            var options = ListOptions()
            if !label.isEmpty { options.labelSelector = try LabelSelector(parsing: label) }
            if !field.isEmpty { options.fieldSelector = try FieldSelector(parsing: field) }
            return try store.list(.pods, namespace: "default", options: options).items.map(\.name)
        }
        #expect(try names("app=web") == ["a", "c"])
        #expect(try names("app!=web") == ["b"])
        #expect(try names("app in (db,web),app notin (db)") == ["a", "c"])
        #expect(try names("app") == ["a", "b", "c"])
        #expect(try names("!app") == [])
        #expect(try names("", "spec.nodeName=n2") == ["b", "c"])
        #expect(try names("", "metadata.name=b,status.phase=Pending") == ["b"])
        let first = try store.list(.pods, namespace: "default", options: ListOptions(limit: 2))
        #expect(first.items.count == 2 && first.continueToken != nil && first.remainingItemCount == 1)
        let rest = try store.list(.pods, namespace: "default", options: ListOptions(limit: 2, continueToken: first.continueToken))
        #expect(rest.items.map(\.name) == ["c"] && rest.continueToken == nil)
    }

    @Test func patchKinds() throws {
        let store = LabStore()
        try store.create(.pods, namespace: "default", object: [
            "metadata": ["name": "p", "labels": ["a": "1"]],
            "spec": ["containers": [["name": "main", "image": "busybox"]]],
        ])
        try store.patch(.pods, namespace: "default", name: "p", type: .merge, patch: ["metadata": ["labels": ["a": nil, "b": "2"]]])
        try store.patch(.pods, namespace: "default", name: "p", type: .json,
                        patch: [["op": "add", "path": "/metadata/labels/c", "value": "3"]])
        let debugged = try store.patch(.pods, namespace: "default", name: "p", type: .strategicMerge,
                                       patch: ["spec": ["ephemeralContainers": [["name": "dbg", "image": "nicolaka/netshoot"]]]],
                                       subresource: "ephemeralcontainers")
        #expect(debugged.labels == ["b": "2", "c": "3"])
        #expect(debugged["spec"]?["ephemeralContainers"]?.arrayValue?.count == 1)
        let merged = try store.patch(.pods, namespace: "default", name: "p", type: .strategicMerge,
                                     patch: ["spec": ["containers": [["name": "main", "image": "alpine"]]]])
        #expect(merged["spec"]?["containers"]?.arrayValue?.count == 1)
        #expect(merged["spec"]?["containers"]?.arrayValue?.first?["image"] == "alpine")
    }

    @Test func watchReplayAndExpiry() async throws {
        let store = LabStore(historyLimit: 3)
        let start = store.currentResourceVersion
        let stream = try store.events(.configMaps, namespace: "default", resourceVersion: String(start))
        for index in 0..<5 { try store.create(.configMaps, namespace: "default", object: ["metadata": ["name": .string("c\(index)")]]) }
        var seen: [String] = []
        for await event in stream {
            seen.append("\(event.kind.rawValue) \(event.object.name)")
            if seen.count == 5 { break }
        }
        #expect(seen == ["ADDED c0", "ADDED c1", "ADDED c2", "ADDED c3", "ADDED c4"])
        #expect(throws: APIError.self) { try store.subscribe(.configMaps, resourceVersion: String(start)) { _ in } }
    }

    @Test func podSecurityMessages() throws {
        let store = LabStore()
        try store.create(.namespaces, namespace: nil, object: [
            "metadata": ["name": "base", "labels": ["pod-security.kubernetes.io/enforce": "baseline"]],
        ])
        try store.create(.pods, namespace: "base", object: ["metadata": ["name": "ok"], "spec": ["containers": [["name": "main", "image": "busybox"]]]])
        #expect(throws: APIError.forbidden(.pods, "ok", "violates PodSecurity \"baseline:latest\": non-default capabilities (container \"dbg\" must not include \"NET_RAW\" in securityContext.capabilities.add)")) {
            try store.patch(.pods, namespace: "base", name: "ok", type: .strategicMerge, patch: [
                "spec": ["ephemeralContainers": [["name": "dbg", "image": "busybox", "securityContext": ["capabilities": ["add": ["NET_RAW"]]]]]],
            ], subresource: "ephemeralcontainers")
        }
    }

    // MARK: real kubectl over HTTPS

    @Test func kubectlVersionAndNamespaces() async throws {
        let lab = try await LabFixture.shared()
        let version = try lab.kubectl(["version"])
        #expect(version.status == 0, "\(version.stderr)")
        #expect(version.stdout.contains("Server Version: v1.32.5-aksnet-lab"))
        let namespaces = try lab.kubectl(["get", "ns"])
        #expect(namespaces.status == 0, "\(namespaces.stderr)")
        for name in LabStore.initialNamespaces { #expect(namespaces.stdout.contains(name)) }
        #expect(namespaces.stdout.contains("Active"))
        let portFile = try String(contentsOfFile: lab.directory + "/apiserver.port", encoding: .utf8)
        #expect(Int(portFile.trimmed) == lab.server.port)
    }

    @Test func kubectlGetNodesWide() async throws {
        let lab = try await LabFixture.shared()
        try lab.store.create(.nodes, namespace: nil, object: TestObjects.aksNode("aks-nodepool1-12345678-vmss000000", ip: "10.224.0.4"))
        let result = try lab.kubectl(["get", "nodes", "-o", "wide"])
        #expect(result.status == 0, "\(result.stderr)")
        let line = result.stdout.split(separator: "\n").first { $0.hasPrefix("aks-nodepool1-12345678-vmss000000") }.map(String.init) ?? ""
        #expect(line.contains(" Ready "), "\(result.stdout)")
        #expect(line.contains("10.224.0.4") && line.contains("v1.32.5") && line.contains("containerd://1.7.27"), "\(result.stdout)")
        #expect(result.stdout.contains("INTERNAL-IP"))
    }

    @Test func kubectlPodLifecycle() async throws {
        let lab = try await LabFixture.shared()
        let run = try lab.kubectl(["run", "p", "--image=nicolaka/netshoot", "--", "sleep", "3600"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("pod/p created"))
        let wide = try lab.kubectl(["get", "pods", "-o", "wide"])
        #expect(wide.stdout.contains("NOMINATED NODE") && wide.stdout.contains("Pending"), "\(wide.stdout)\(wide.stderr)")
        let yaml = try lab.kubectl(["get", "pod", "p", "-o", "yaml"])
        #expect(yaml.stdout.contains("phase: Pending") && yaml.stdout.contains("image: nicolaka/netshoot"), "\(yaml.stderr)")
        let describe = try lab.kubectl(["describe", "pod", "p"])
        #expect(describe.status == 0, "\(describe.stderr)")
        #expect(describe.stdout.contains("Name:") && describe.stdout.contains("Pending"), "\(describe.stdout)")

        let watcher = try lab.kubectlInBackground(["get", "pods", "-w"])
        defer { watcher.stop() }
        #expect(watcher.waitFor("Pending"), "\(watcher.output)\(watcher.errors)")
        try lab.store.modify(.pods, namespace: "default", name: "p") { pod in
            pod.set(path: ["spec", "nodeName"], "aks-nodepool1-12345678-vmss000000")
            pod.set(path: ["status", "phase"], "Running")
            pod.set(path: ["status", "podIP"], "10.244.0.7")
            pod.set(path: ["status", "containerStatuses"], [["name": "p", "ready": true, "restartCount": 0, "image": "nicolaka/netshoot",
                                                              "imageID": "", "started": true, "state": ["running": ["startedAt": "2025-01-01T00:00:00Z"]]]])
        }
        #expect(watcher.waitFor("Running"), "\(watcher.output)\(watcher.errors)")
        #expect(watcher.output.contains("1/1"), "\(watcher.output)")

        let delete = try lab.kubectl(["delete", "pod", "p", "--wait"], timeout: 15)
        #expect(delete.status == 0, "\(delete.stderr)")
        #expect(delete.stdout.contains("pod \"p\" deleted"))
        let gone = try lab.kubectl(["get", "pod", "p"])
        #expect(gone.status != 0)
        #expect(gone.stderr.contains("Error from server (NotFound): pods \"p\" not found"), "\(gone.stderr)")
    }

    @Test func kubectlAuthorization() async throws {
        let lab = try await LabFixture.shared()
        let admin = try lab.kubectl(["auth", "can-i", "create", "pods"])
        #expect(admin.stdout.trimmed == "yes" && admin.status == 0, "\(admin.stderr)")
        let viewer = try lab.kubectl(["--user", "viewer", "auth", "can-i", "create", "pods"])
        #expect(viewer.stdout.trimmed == "no" && viewer.status != 0, "\(viewer.stdout)\(viewer.stderr)")
        let viewerList = try lab.kubectl(["--user", "viewer", "auth", "can-i", "list", "pods"])
        #expect(viewerList.stdout.trimmed == "yes", "\(viewerList.stderr)")
        let impersonated = try lab.kubectl(["auth", "can-i", "create", "pods", "--as", "viewer"])
        #expect(impersonated.stdout.trimmed == "no", "\(impersonated.stderr)")
        let token = try lab.kubectl(["--user", "token", "auth", "can-i", "delete", "nodes"])
        #expect(token.stdout.trimmed == "yes", "\(token.stderr)")
        let forbidden = try lab.kubectl(["--user", "viewer", "run", "x", "--image=busybox"])
        #expect(forbidden.status != 0)
        #expect(forbidden.stderr.contains("Error from server (Forbidden): pods is forbidden: User \"viewer\" cannot create resource \"pods\" in API group \"\" in the namespace \"default\""), "\(forbidden.stderr)")
        let viewerGet = try lab.kubectl(["--user", "viewer", "get", "ns", "default"])
        #expect(viewerGet.status == 0, "\(viewerGet.stderr)")
    }

    @Test func kubectlPodSecurityBaseline() async throws {
        let lab = try await LabFixture.shared()
        let namespace = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: secure
          labels:
            pod-security.kubernetes.io/enforce: baseline
        """
        let created = try lab.kubectl(["create", "-f", "-"], stdin: namespace)
        #expect(created.status == 0, "\(created.stderr)")
        let pod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: bad
          namespace: secure
        spec:
          hostNetwork: true
          containers:
          - name: main
            image: nicolaka/netshoot
            command: ["sleep", "3600"]
            securityContext:
              privileged: true
        """
        let rejected = try lab.kubectl(["create", "-f", "-"], stdin: pod)
        #expect(rejected.status != 0)
        #expect(rejected.stderr.contains("Error from server (Forbidden): error when creating \"STDIN\": pods \"bad\" is forbidden: violates PodSecurity \"baseline:latest\": host namespaces (hostNetwork=true), privileged (container \"main\" must not set securityContext.privileged=true)"), "\(rejected.stderr)")
        // A Windows HostProcess pod (what `jump --shell` makes on a Windows node) is baseline's too.
        let hostProcess = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: hpc
          namespace: secure
        spec:
          hostNetwork: true
          securityContext:
            windowsOptions:
              hostProcess: true
              runAsUserName: "NT AUTHORITY\\\\SYSTEM"
          nodeSelector:
            kubernetes.io/os: windows
          containers:
          - name: shell
            image: mcr.microsoft.com/oss/kubernetes/windows-host-process-containers-base-image:v1.0.0
        """
        let refused = try lab.kubectl(["create", "-f", "-"], stdin: hostProcess)
        #expect(refused.status != 0 && refused.stderr.contains("violates PodSecurity \"baseline:latest\": host namespaces (hostNetwork=true), hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)"), "\(refused.stderr)")
    }

    @Test func kubectlLogsTailAndFollow() async throws {
        let lab = try await LabFixture.shared()
        try lab.store.create(.pods, namespace: "default", object: ["metadata": ["name": "logger"], "spec": ["containers": [["name": "main", "image": "busybox"]]]])
        defer { _ = try? lab.store.delete(.pods, namespace: "default", name: "logger") }
        lab.store.logs.append(namespace: "default", pod: "logger", container: "main", "one\ntwo\nthree\n")
        let tail = try lab.kubectl(["logs", "logger", "--tail=2"])
        #expect(tail.stdout == "two\nthree\n", "\(tail.stderr)")
        let follower = try lab.kubectlInBackground(["logs", "-f", "logger"])
        defer { follower.stop() }
        #expect(follower.waitFor("three"))
        lab.store.logs.append(namespace: "default", pod: "logger", container: "main", "four\n")
        #expect(follower.waitFor("four"), "\(follower.output)")
        lab.store.logs.finish(namespace: "default", pod: "logger", container: "main")
        #expect(follower.wait(timeout: 5) == 0)
    }

    @Test func serveBinaryWritesPortAndExitsOnSIGTERM() async throws {
        // The test runner lives in the build products folder (…/debug/), or in a bundle inside it.
        let runner = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let binary = [runner, runner.deletingLastPathComponent()].map { $0.appendingPathComponent("kubectl-aksnet-lab").path }
            .first { FileManager.default.isExecutableFile(atPath: $0) } ?? runner.appendingPathComponent("kubectl-aksnet-lab").path
        let lab = try await LabFixture.shared()
        let directory = lab.directory + "/serve"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(atPath: directory + "/pki")
        try FileManager.default.copyItem(atPath: lab.directory + "/pki", toPath: directory + "/pki")
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            Issue.record("no kubectl-aksnet-lab beside the test bundle at \(binary)")
            return
        }
        let server = try Shell.Background(binary, ["serve", "--dir", directory])
        defer { server.stop() }
        var port = ""
        for _ in 0..<100 where port.isEmpty {
            port = ((try? String(contentsOfFile: directory + "/apiserver.port", encoding: .utf8)) ?? "").trimmed
            if port.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(Int(port) != nil)
        let version = try lab.kubectl(["--server", "https://127.0.0.1:\(port)", "version"])
        #expect(version.stdout.contains("Server Version: v1.32.5-aksnet-lab"), "\(version.stderr)")
        server.signal(SIGTERM)
        #expect(server.wait(timeout: 10) == 0, "serve did not exit 0 on SIGTERM: \(server.errors)")
    }

    /// The package's venv with the official client, or nil (the test then shows as skipped).
    static let pythonWithClient: String? = {
        let python = LabFixture.packageRoot.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python),
              (try? Shell.run(python, ["-c", "import kubernetes"]).status) == 0 else { return nil }
        return python
    }()

    @Test(.enabled(if: APIServerTests.pythonWithClient != nil, "needs .venv with the kubernetes client"))
    func pythonClientListAndWatch() async throws {
        let python = try #require(Self.pythonWithClient)
        let lab = try await LabFixture.shared()
        try lab.store.create(.pods, namespace: "default", object: ["metadata": ["name": "py"], "spec": ["containers": [["name": "c", "image": "busybox"]]]])
        defer { _ = try? lab.store.delete(.pods, namespace: "default", name: "py") }
        let script = """
        import sys, threading, time
        from kubernetes import client, config, watch
        config.load_kube_config(config_file=sys.argv[1])
        v1 = client.CoreV1Api()
        pods = v1.list_namespaced_pod("default")
        print("LIST", sorted(p.metadata.name for p in pods.items))
        w = watch.Watch()
        for event in w.stream(v1.list_namespaced_pod, "default", field_selector="metadata.name=py",
                              resource_version=pods.metadata.resource_version, timeout_seconds=10):
            print("EVENT", event["type"], event["object"].metadata.name, event["object"].status.phase, flush=True)
            if event["object"].status.phase == "Running":
                w.stop()
        """
        let watcher = try Shell.Background(python, ["-c", script, lab.kubeconfig])
        defer { watcher.stop() }
        #expect(watcher.waitFor("LIST"), "\(watcher.errors)")
        try await Task.sleep(for: .milliseconds(500))
        try lab.store.modify(.pods, namespace: "default", name: "py") { $0.set(path: ["status", "phase"], "Running") }
        #expect(watcher.waitFor("EVENT MODIFIED py Running"), "\(watcher.output)\(watcher.errors)")
        #expect(watcher.output.contains("'py'"))
    }
}

enum TestObjects {
    /// A Node as AKS registers it.
    static func aksNode(_ name: String, ip: String) -> JSONValue {
        [
            "metadata": ["name": .string(name), "labels": [
                "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": .string(name),
                "kubernetes.azure.com/agentpool": "nodepool1", "kubernetes.azure.com/role": "agent", "kubernetes.io/role": "agent",
            ]],
            "spec": ["podCIDR": "10.244.0.0/24", "podCIDRs": ["10.244.0.0/24"]],
            "status": [
                "addresses": [["type": "InternalIP", "address": .string(ip)], ["type": "Hostname", "address": .string(name)]],
                "conditions": [["type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status",
                                "lastHeartbeatTime": "2025-01-01T00:00:00Z", "lastTransitionTime": "2025-01-01T00:00:00Z"]],
                "nodeInfo": ["kubeletVersion": "v1.32.5", "kubeProxyVersion": "v1.32.5", "osImage": "Ubuntu 22.04.5 LTS",
                             "kernelVersion": "5.15.0-1079-azure", "containerRuntimeVersion": "containerd://1.7.27-1",
                             "operatingSystem": "linux", "architecture": "amd64"],
            ],
        ]
    }
}
