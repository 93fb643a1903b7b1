import TestSupport
import Foundation
import Testing

/// The lab's registry as kubectl users meet it: `--images` sets what exists, the private
/// registry needs the pull secret (from `kubectl create secret docker-registry`, which kubectl
/// sends as protobuf, like its other generators), from the pod or its service account.
@Suite(.serialized) struct RegistryTests {
    static func waitForPhase(_ k: (([String]) throws -> ProcessResult), _ pod: String, _ wanted: String) throws -> String {
        var seen = ""
        for _ in 0..<100 where !seen.contains(wanted) {
            seen = try k(["get", "pod", pod, "-o", "jsonpath={.status.phase} {.status.containerStatuses[0].state.waiting.reason}"]).stdout
            if !seen.contains(wanted) { usleep(100_000) }
        }
        return seen
    }

    @Test func privateImagesPullWithTheSecretAndGeneratorsWork() throws {
        let lab = try LabCluster(["--nodes", "1", "--images", "alpine,nicolaka/netshoot"])
        defer { lab.down() }
        let dir = lab.dir
        func k(_ args: [String]) throws -> ProcessResult { try lab.k(args) }

        // kubectl's generators send protobuf bodies.
        for generator in [["create", "namespace", "team"], ["create", "configmap", "cm", "--from-literal=a=b"],
                          ["create", "serviceaccount", "builder"], ["create", "service", "clusterip", "s", "--tcp=80:8080"],
                          ["create", "deployment", "d", "--image=alpine"], ["create", "secret", "generic", "g", "--from-literal=k=v"]] {
            let made = try k(generator)
            #expect(made.status == 0, "\(generator): \(made)")
        }
        #expect(try k(["get", "configmap", "cm", "-o", "jsonpath={.data.a}"]).stdout == "b")
        #expect(try k(["get", "secret", "g", "-o", "jsonpath={.data.k}"]).stdout == "dg==")
        #expect(try k(["get", "service", "s", "-o", "jsonpath={.spec.ports[0].targetPort} {.spec.sessionAffinity}"]).stdout == "8080 None")

        #expect(try k(["run", "gone", "--image=busybox", "--", "sleep", "60"]).status == 0)
        #expect(try Self.waitForPhase(k, "gone", "ImagePullBackOff").contains("ImagePullBackOff"), "--images replaced the list")

        let image = "aksnetlab.azurecr.io/aksnet/netshoot:v1"
        #expect(try k(["run", "anonymous", "--image=\(image)", "--", "sleep", "60"]).status == 0)
        #expect(try Self.waitForPhase(k, "anonymous", "ImagePullBackOff").contains("ImagePullBackOff"))
        #expect(try k(["describe", "pod", "anonymous"]).stdout.contains("401 Unauthorized"))

        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/registry/config.json"))) as? [String: Any]
        let auth = ((config?["auths"] as? [String: Any])?["aksnetlab.azurecr.io"] as? [String: Any])
        let password = try #require(auth?["password"] as? String)
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/registry/config.json")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try k(["create", "secret", "docker-registry", "acr", "--docker-server=aksnetlab.azurecr.io",
                       "--docker-username=aksnet-puller", "--docker-password=\(password)"]).status == 0)
        #expect(try k(["run", "withsecret", "--image=\(image)", "--overrides", #"{"spec":{"imagePullSecrets":[{"name":"acr"}]}}"#,
                       "--", "sleep", "60"]).status == 0)
        #expect(try Self.waitForPhase(k, "withsecret", "Running").hasPrefix("Running"))

        // The service account's pull secrets count too.
        #expect(try k(["patch", "serviceaccount", "default", "-p", #"{"imagePullSecrets":[{"name":"acr"}]}"#]).status == 0)
        #expect(try k(["run", "viaaccount", "--image=\(image)", "--", "sleep", "60"]).status == 0)
        #expect(try Self.waitForPhase(k, "viaaccount", "Running").hasPrefix("Running"))
    }
}
