import TestSupport
import KubeModel
import Testing
@testable import AKSNetLab

/// The API server's protobuf body reader: hand-made bodies decode to the JSON kubectl meant,
/// and random bytes behind the magic never trap.
struct ProtobufTests {
    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var out: [UInt8] = []
        repeat {
            var byte = UInt8(value & 0x7F)
            value >>= 7
            if value != 0 { byte |= 0x80 }
            out.append(byte)
        } while value != 0
        return out
    }
    static func bytes(_ number: Int, _ payload: [UInt8]) -> [UInt8] { varint(UInt64(number << 3 | 2)) + varint(UInt64(payload.count)) + payload }
    static func text(_ number: Int, _ value: String) -> [UInt8] { bytes(number, Array(value.utf8)) }
    static func int(_ number: Int, _ value: UInt64) -> [UInt8] { varint(UInt64(number << 3)) + varint(value) }

    @Test func secretBodyAsKubectlSendsIt() throws {
        let metadata = Self.text(1, "acr") + Self.text(3, "default")
        let entry = Self.text(1, ".dockerconfigjson") + Self.bytes(2, Array("{}".utf8))
        let secret = Self.bytes(1, metadata) + Self.bytes(2, entry) + Self.text(3, "kubernetes.io/dockerconfigjson")
        let typeMeta = Self.text(1, "v1") + Self.text(2, "Secret")
        let body = ProtobufWire.magic + Self.bytes(1, typeMeta) + Self.bytes(2, secret)
        guard case .decoded(let object) = ProtobufKinds.decode(body) else {
            Issue.record("not decoded")
            return
        }
        #expect(object["kind"]?.stringValue == "Secret" && object["apiVersion"]?.stringValue == "v1")
        #expect(object.metadataName == "acr" && object.metadataNamespace == "default")
        #expect(object["type"]?.stringValue == "kubernetes.io/dockerconfigjson")
        #expect(object["data"]?[".dockerconfigjson"]?.stringValue == "e30=", "bytes become base64 as in JSON")

        let port = Self.text(1, "http") + Self.int(3, 80) + Self.bytes(4, Self.int(1, 1) + Self.text(3, "web"))
        let service = Self.bytes(1, Self.text(1, "s")) + Self.bytes(2, Self.bytes(1, port) + Self.text(7, ""))
        let serviceBody = ProtobufWire.magic + Self.bytes(1, Self.text(1, "v1") + Self.text(2, "Service")) + Self.bytes(2, service)
        guard case .decoded(let svc) = ProtobufKinds.decode(serviceBody) else {
            Issue.record("service not decoded")
            return
        }
        #expect(svc["spec"]?["ports"]?.arrayValue?.first?["targetPort"]?.stringValue == "web", "IntOrString as a name")
        #expect(svc["spec"]?["sessionAffinity"] == nil, "empty strings are left out, as Go's omitempty does")

        let job = ProtobufWire.magic + Self.bytes(1, Self.text(1, "batch/v1") + Self.text(2, "Job"))
        guard case .unsupported("Job") = ProtobufKinds.decode(job) else {
            Issue.record("a Job body must be refused by name")
            return
        }
        guard case .notProtobuf = ProtobufKinds.decode(Array("{}".utf8)) else {
            Issue.record("JSON is not protobuf")
            return
        }
    }

    /// The Pod `kubectl debug node/N --profile=sysadmin` sends (bytes as kubectl 1.32 wrote them,
    /// trimmed): its hostPath volume (VolumeSource is inline in Volume's JSON), hostNetwork,
    /// hostPID, hostIPC, the toleration of every taint and the privileged container all arrive.
    @Test func kubectlDebugNodePod() throws {
        let volume = Self.text(1, "host-root") + Self.bytes(2, Self.bytes(1, Self.text(1, "/")))
        let mount = Self.text(1, "host-root") + Self.text(3, "/host")
        let container = Self.text(1, "debugger") + Self.text(2, "busybox") + Self.text(3, "true") + Self.bytes(9, mount)
            + Self.bytes(15, Self.int(2, 1)) + Self.int(16, 1)
        let spec = Self.bytes(1, volume) + Self.bytes(2, container) + Self.text(3, "Never") + Self.text(10, "aks-node-0")
            + Self.int(11, 1) + Self.int(12, 1) + Self.int(13, 1) + Self.bytes(22, Self.text(2, "Exists"))
        let body = ProtobufWire.magic + Self.bytes(1, Self.text(1, "v1") + Self.text(2, "Pod"))
            + Self.bytes(2, Self.bytes(1, Self.text(1, "node-debugger-x")) + Self.bytes(2, spec))
        guard case .decoded(let pod) = ProtobufKinds.decode(body) else {
            Issue.record("not decoded")
            return
        }
        let decodedSpec = try #require(pod["spec"])
        #expect(decodedSpec["volumes"] == [["name": "host-root", "hostPath": ["path": "/"]]])
        #expect(decodedSpec["hostNetwork"] == true && decodedSpec["hostPID"] == true && decodedSpec["hostIPC"] == true)
        #expect(decodedSpec["tolerations"] == [["operator": "Exists"]])
        let first = try #require(decodedSpec["containers"]?.arrayValue?.first)
        #expect(first["securityContext"] == ["privileged": true])
        #expect(first["volumeMounts"] == [["name": "host-root", "mountPath": "/host"]])
        #expect(first["stdin"] == true)

        let configMapVolume = Self.text(1, "cfg") + Self.bytes(2, Self.bytes(19, Self.bytes(1, Self.text(1, "settings")) + Self.int(3, 420)))
        let withConfigMap = ProtobufWire.magic + Self.bytes(1, Self.text(1, "v1") + Self.text(2, "Pod"))
            + Self.bytes(2, Self.bytes(2, Self.bytes(1, configMapVolume)))
        guard case .decoded(let other) = ProtobufKinds.decode(withConfigMap) else {
            Issue.record("not decoded")
            return
        }
        #expect(other["spec"]?["volumes"] == [["name": "cfg", "configMap": ["name": "settings", "defaultMode": 420]]],
                "LocalObjectReference is inline in ConfigMapVolumeSource's JSON")
    }

    @Test func randomBodiesNeverTrap() {
        var rng = SplitMix(state: 0x9B_2026)
        let kinds = ["Secret", "ConfigMap", "Service", "Deployment", "Namespace", "ServiceAccount", "Pod"]
        var (decoded, unsupported, notProtobuf) = (0, 0, 0)
        for round in 0..<20_000 {
            let raw = (0..<Int.random(in: 0..<64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let kind = kinds[round % kinds.count]
            let typeMeta = Self.text(1, "v1") + Self.text(2, kind)
            // A well-framed envelope of a known kind decodes as that kind, whatever garbage its raw holds.
            guard case .decoded(let object) = ProtobufKinds.decode(ProtobufWire.magic + Self.bytes(1, typeMeta) + Self.bytes(2, raw)) else {
                Issue.record("round \(round): a \(kind) envelope was not decoded")
                continue
            }
            #expect(object["kind"]?.stringValue == kind && object["apiVersion"]?.stringValue == "v1", "round \(round)")
            switch ProtobufKinds.decode(ProtobufWire.magic + raw) {
            case .decoded: decoded += 1
            case .unsupported: unsupported += 1
            case .notProtobuf: notProtobuf += 1
            }
        }
        // Behind the magic, random bytes almost never spell a known kind: they are refused by name.
        #expect(notProtobuf == 0, "the magic alone makes it protobuf")
        #expect(unsupported > decoded, "decoded \(decoded), unsupported \(unsupported)")
    }
}
