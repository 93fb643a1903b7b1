import TestSupport
import Foundation
import KubeModel
import Testing
@testable import AKSNetLab

/// The lab's service controller: Service objects become kube-proxy rules on every node and
/// Endpoints/EndpointSlices, following pod readiness.
@Suite(.serialized) struct ServicesTests {
    static func pod(_ name: String, namespace: String = "default", labels: JSONValue = ["app": "web"], phase: String = "Running",
                    ready: Bool = true, ip: String = "10.244.0.5", terminating: Bool = false) -> JSONValue {
        var pod: JSONValue = ["metadata": ["name": .string(name), "namespace": .string(namespace), "labels": labels, "uid": .string("u-\(name)")],
                              "spec": ["nodeName": "n1", "containers": [["name": "main", "ports": [["name": "http", "containerPort": 8080]]]]],
                              "status": ["phase": .string(phase), "podIP": .string(ip),
                                         "conditions": [["type": "Ready", "status": ready ? "True" : "False"]]]]
        if terminating { pod.set(path: ["metadata", "deletionTimestamp"], "2026-01-01T00:00:00Z") }
        return pod
    }

    static let service: JSONValue = [
        "metadata": ["name": "web", "namespace": "default", "uid": "svc-uid"],
        "spec": ["clusterIP": "10.0.0.50", "selector": ["app": "web"],
                 "ports": [["name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"],
                           ["name": "dns", "port": 53, "targetPort": 5353, "protocol": "UDP"]]],
    ]

    @Test func onlyReadyMatchingPodsInTheNamespaceAreBackends() throws {
        let pods = [
            Self.pod("a", ip: "10.244.0.5"),
            Self.pod("b", ip: "10.244.1.7"),
            Self.pod("not-ready", ready: false, ip: "10.244.0.8"),
            Self.pod("pending", phase: "Pending", ip: "10.244.0.9"),
            Self.pod("leaving", ip: "10.244.0.10", terminating: true),
            Self.pod("other-ns", namespace: "prod", ip: "10.244.0.11"),
            Self.pod("other-app", labels: ["app": "db"], ip: "10.244.0.12"),
        ]
        let specs = ServiceEndpoints.specs(services: [Self.service], pods: pods)
        #expect(specs.map(\.key) == ["default/web:80", "default/web:53"])
        #expect(specs[0].protocol == .tcp && specs[1].protocol == .udp)
        #expect(specs[0].endpoints.map { "\($0.ip):\($0.port)" } == ["10.244.0.5:8080", "10.244.1.7:8080"], "named targetPort resolved")
        #expect(specs[1].endpoints.map { "\($0.ip):\($0.port)" } == ["10.244.0.5:5353", "10.244.1.7:5353"])

        let endpoints = try #require(ServiceEndpoints.endpointsObject(service: Self.service, pods: pods))
        let addresses = (endpoints["subsets"]?.arrayValue?.first?["addresses"]?.arrayValue ?? []).compactMap { $0["ip"]?.stringValue }
        #expect(addresses == ["10.244.0.5", "10.244.1.7"])
        let slice = try #require(ServiceEndpoints.sliceObject(service: Self.service, pods: pods))
        #expect(slice["metadata"]?["labels"]?["kubernetes.io/service-name"]?.stringValue == "web")
        #expect(slice["endpoints"]?.arrayValue?.count == 2)
        #expect(slice.metadataName == ServiceEndpoints.sliceName(service: "web"))

        var headless = Self.service
        headless.set(path: ["spec", "clusterIP"], "None")
        #expect(ServiceEndpoints.specs(services: [headless], pods: pods).isEmpty, "no cluster IP, no rules")
        var noSelector = Self.service
        noSelector.set(path: ["spec", "selector"], nil)
        #expect(ServiceEndpoints.specs(services: [noSelector], pods: pods).isEmpty)
        #expect(ServiceEndpoints.endpointsObject(service: noSelector, pods: pods) == nil, "endpoints of selector-less services are the user's")
    }

    /// `kubectl expose` a pod on one node, curl the ClusterIP from a pod on the other,
    /// see the Endpoints, delete the backend, and the ClusterIP stops answering.
    @Test func exposedPodIsReachableThroughItsClusterIP() throws {
        let lab = try LabCluster(["--nodes", "2"])
        defer { lab.down() }
        func k(_ args: [String]) throws -> ProcessResult { try lab.k(args) }
        let nodes = try lab.nodes()
        try #require(nodes.count == 2)
        try lab.run("web", image: "python", node: nodes[0], ["python3", "-m", "http.server", "8080"])
        #expect(try k(["label", "pod", "web", "app=web"]).status == 0)
        try lab.run("client", node: nodes[1])
        let exposed = try k(["expose", "pod", "web", "--port", "80", "--target-port", "8080"])
        #expect(exposed.status == 0, "\(exposed)")
        let clusterIP = try k(["get", "svc", "web", "-o", "jsonpath={.spec.clusterIP}"]).stdout
        #expect(clusterIP.hasPrefix("10.0."))
        let podIP = try k(["get", "pod", "web", "-o", "jsonpath={.status.podIP}"]).stdout

        var code = ""
        for _ in 0..<50 where code != "200" {
            code = try k(["exec", "client", "--", "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2",
                          "http://\(clusterIP)/"]).stdout
            if code != "200" { usleep(100_000) }
        }
        #expect(code == "200", "curl through the ClusterIP across nodes")
        #expect(try k(["get", "endpoints", "web", "--no-headers"]).stdout.contains("\(podIP):8080"))
        #expect(try k(["describe", "service", "web"]).stdout.contains("Endpoints:                \(podIP):8080"))

        #expect(try k(["delete", "pod", "web", "--wait", "--timeout=30s"]).status == 0)
        var endpoints = ""
        for _ in 0..<50 where !endpoints.contains("<none>") {
            endpoints = try k(["get", "endpoints", "web", "--no-headers"]).stdout
            if !endpoints.contains("<none>") { usleep(100_000) }
        }
        #expect(endpoints.contains("<none>"))
        let after = try k(["exec", "client", "--", "curl", "-s", "-o", "/dev/null", "--max-time", "2", "http://\(clusterIP)/"])
        #expect(after.status != 0, "no backend, no answer: \(after)")
    }

    /// On a dual-stack lab a PreferDualStack service gets an IPv6 cluster IP too, and both
    /// answer from a pod on the other node (ip6tables rules like kube-proxy's IPv6 side).
    @Test func dualStackServiceAnswersOnBothClusterIPs() throws {
        let lab = try LabCluster(["--nodes", "2", "--ip-family", "dual"])
        defer { lab.down() }
        func k(_ args: [String], stdin: String? = nil) throws -> ProcessResult { try lab.k(args, stdin: stdin) }
        let nodes = try lab.nodes()
        try #require(nodes.count == 2)
        try lab.run("web", image: "python", node: nodes[0], ["python3", "-m", "http.server", "8080", "--bind", "::"])
        #expect(try k(["label", "pod", "web", "app=web"]).status == 0)
        try lab.run("client", node: nodes[1])
        let service = #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},"spec":{"ipFamilyPolicy":"PreferDualStack","selector":{"app":"web"},"ports":[{"port":80,"targetPort":8080}]}}"#
        #expect(try k(["create", "-f", "-"], stdin: service).status == 0)
        let ips = try k(["get", "svc", "web", "-o", "jsonpath={.spec.clusterIPs[*]} {.spec.ipFamilies[*]}"]).stdout.split(separator: " ").map(String.init)
        try #require(ips.count == 4, "\(ips)")
        #expect(ips[0].hasPrefix("10.0.") && ips[1].hasPrefix("fd12:3456:789a:1::") && ips[2] == "IPv4" && ips[3] == "IPv6")
        for url in ["http://\(ips[0])/", "http://[\(ips[1])]/"] {
            var code = ""
            for _ in 0..<50 where code != "200" {
                code = try k(["exec", "client", "--", "curl", "-g", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2", url]).stdout
                if code != "200" { usleep(100_000) }
            }
            #expect(code == "200", "\(url) from the other node")
        }
        #expect(KubeProxyRules.probabilityText(1.0 / 3) == "0.33333333333")
    }
}
