import Foundation
import KubeModel

/// The lab's kube-proxy and endpoints controller: watches Services and Pods, keeps every node's
/// KUBE-SERVICES rules equal to the ready backends of each selector service, and keeps its v1
/// Endpoints and discovery/v1 EndpointSlice (`kubectl get endpoints`, `describe service`).
/// Bursts of changes are coalesced; all state lives on one serial queue.
public final class ServiceController: @unchecked Sendable {
    private let store: LabStore
    private let network: LabNetwork
    private let loop: ReconcileLoop
    private var applied: [ServiceSpec]?
    private var applied6: [ServiceSpec6]?
    private var written: [String: String] = [:]  // "plural/ns/name" → the object we wrote, serialized

    public init(store: LabStore, network: LabNetwork) {
        self.store = store
        self.network = network
        loop = ReconcileLoop(label: "aksnet.lab.services", store: store, resources: [.services, .pods])
    }

    public func start() throws {
        try loop.start { [weak self] in self?.sync() }
    }

    public func stop() { loop.stop() }

    private func sync() {
        guard let services = try? store.list(.services, namespace: nil).items,
              let pods = try? store.list(.pods, namespace: nil).items else { return }
        let specs = ServiceEndpoints.specs(services: services, pods: pods)
        if specs != applied {
            do {
                try network.setServices(specs)
                applied = specs
            } catch {
                StandardStreams.writeError("services: cannot program kube-proxy rules: \(error)\n")
            }
        }
        let specs6 = ServiceEndpoints.specs6(services: services, pods: pods)
        if specs6 != applied6 {
            do {
                try network.setServices6(specs6)
                applied6 = specs6
            } catch {
                StandardStreams.writeError("services: cannot program IPv6 kube-proxy rules: \(error)\n")
            }
        }
        var seen: Set<String> = []
        for service in services {
            let derived: [(ResourceType, JSONValue?)] = [
                (.endpoints, ServiceEndpoints.endpointsObject(service: service, pods: pods)),
                (.endpointSlices, ServiceEndpoints.sliceObject(service: service, pods: pods)),
            ]
            for case let (resource, object?) in derived {
                guard let name = object.metadataName, let namespace = object.metadataNamespace else { continue }
                let key = "\(resource.plural)/\(namespace)/\(name)"
                seen.insert(key)
                let text = object.serialized()
                guard written[key] != text else { continue }
                write(resource, object, namespace: namespace, name: name)
                written[key] = text
            }
        }
        for key in written.keys where !seen.contains(key) {
            let parts = key.split(separator: "/", maxSplits: 2).map(String.init)
            let resource: ResourceType = parts.first == ResourceType.endpoints.plural ? .endpoints : .endpointSlices
            if parts.count == 3 { _ = try? store.delete(resource, namespace: parts[1], name: parts[2]) }
            written[key] = nil
        }
    }

    /// Replaces the controller-owned fields of an existing object, or creates it.
    private func write(_ resource: ResourceType, _ object: JSONValue, namespace: String, name: String) {
        do {
            _ = try store.modify(resource, namespace: namespace, name: name) { current in
                for key in ["subsets", "endpoints", "ports", "addressType"] { current.set(key, object[key]) }
                if let labels = object["metadata"]?["labels"] { current.set(path: ["metadata", "labels"], labels) }
            }
        } catch {
            _ = try? store.create(resource, namespace: namespace, object: object)
        }
    }
}
