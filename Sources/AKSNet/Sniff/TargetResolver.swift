import KubeClient
import KubeModel

/// Turns what the user typed into running pods and nodes, with kubectl's error wording.
public struct TargetResolver {
    public let client: any KubeAPI
    public let namespace: String
    public let allNamespaces: Bool
    public let container: String?

    public init(client: any KubeAPI, namespace: String, allNamespaces: Bool, container: String?) {
        self.client = client
        self.namespace = namespace
        self.allNamespaces = allNamespaces
        self.container = container
    }

    public func resolve(_ specs: [TargetSpec]) throws(SniffError) -> [ResolvedTarget] {
        var out: [ResolvedTarget] = []
        var nodeOS: [String: String] = [:]
        func osOf(_ node: String) throws(SniffError) -> String {
            if let known = nodeOS[node] { return known }
            let value: String
            do {
                let object = try client.get(.nodes(node))
                value = Self.nodeOS(object)
            } catch where error.kind == .forbidden {
                value = "linux"  // cannot read nodes: the helper's nodeSelector still keeps it off Windows
            } catch {
                throw SniffError.notFound(error.description)
            }
            nodeOS[node] = value
            return value
        }
        for spec in specs {
            switch spec {
            case .pod(let name):
                let pod: JSONValue
                do { pod = try client.get(.pods(namespace, name)) } catch { throw Self.lookupError(error) }
                out.append(try podTarget(pod, explicit: true, os: osOf))
            case .node(let name):
                let node: JSONValue
                do { node = try client.get(.nodes(name)) } catch { throw Self.lookupError(error) }
                let os = Self.nodeOS(node)
                nodeOS[name] = os
                let target = ResolvedTarget(kind: .node, nodeName: name, nodeOS: os)
                if os == "windows" { throw SniffError.windowsNode(node: name, target: "node/\(name)") }
                out.append(target)
            case .deployment(let name):
                let deployment: JSONValue
                do {
                    deployment = try client.get(ResourcePath(group: "apps", resource: "deployments", namespace: namespace, name: name))
                } catch { throw Self.lookupError(error) }
                let labels = deployment["spec"]?["selector"]?["matchLabels"]?.objectValue
                let selector = (labels?.entries ?? []).compactMap { entry in entry.value.stringValue.map { "\(entry.key)=\($0)" } }
                    .joined(separator: ",")
                guard !selector.isEmpty else { throw SniffError.noTargets("deployment \(namespace)/\(name) has no matchLabels selector") }
                out += try selected(selector, describe: "deployment \(namespace)/\(name)", os: osOf)
            case .selector(let selector):
                out += try selected(selector, describe: "selector \(selector)", os: osOf)
            }
        }
        var seen = Set<String>()
        return out.filter { seen.insert($0.interfaceName).inserted }
    }

    private func selected(_ selector: String, describe: String,
                          os: (String) throws(SniffError) -> String) throws(SniffError) -> [ResolvedTarget] {
        let items: [JSONValue]
        do {
            items = try client.list(.pods(allNamespaces ? nil : namespace), labelSelector: selector).items
        } catch { throw Self.lookupError(error) }
        let running = items.filter { $0["status"]?["phase"]?.stringValue == "Running" && $0["metadata"]?["deletionTimestamp"] == nil }
        guard !running.isEmpty else {
            let scope = allNamespaces ? "any namespace" : "namespace \(namespace)"
            throw SniffError.noTargets("no running pods match \(describe) in \(scope) (\(items.count) pods matched, none Running)")
        }
        var out: [ResolvedTarget] = []
        for pod in running { out.append(try podTarget(pod, explicit: false, os: os)) }
        return out
    }

    private func podTarget(_ pod: JSONValue, explicit: Bool,
                           os: (String) throws(SniffError) -> String) throws(SniffError) -> ResolvedTarget {
        let name = pod.metadataName ?? ""
        let podNamespace = pod.metadataNamespace ?? namespace
        let phase = pod["status"]?["phase"]?.stringValue ?? "Pending"
        let node = pod["spec"]?["nodeName"]?.stringValue ?? ""
        guard phase == "Running", !node.isEmpty else {
            throw SniffError.notRunning(pod: "\(podNamespace)/\(name)", phase: phase, detail: Self.waitingDetail(pod))
        }
        let names = (pod["spec"]?["containers"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        if let container, !names.contains(container) {
            throw SniffError.notFound("container \(container) is not valid for pod \(name) (containers: \(names.joined(separator: ", ")))")
        }
        let nodeOS = try os(node)
        if nodeOS == "windows" { throw SniffError.windowsNode(node: node, target: "pod \(podNamespace)/\(name)") }
        return ResolvedTarget(kind: .pod(namespace: podNamespace, name: name, container: container ?? names.first,
                                         podIP: pod["status"]?["podIP"]?.stringValue ?? "",
                                         hostNetwork: pod["spec"]?["hostNetwork"]?.boolValue == true),
                              nodeName: node, nodeOS: nodeOS)
    }

    static func waitingDetail(_ pod: JSONValue) -> String {
        for status in pod["status"]?["containerStatuses"]?.arrayValue ?? [] {
            if let waiting = status["state"]?["waiting"], let reason = waiting["reason"]?.stringValue {
                return reason + (waiting["message"]?.stringValue.map { ": " + $0 } ?? "")
            }
        }
        return ""
    }

    static func nodeOS(_ node: JSONValue) -> String {
        node["metadata"]?["labels"]?["kubernetes.io/os"]?.stringValue
            ?? node["status"]?["nodeInfo"]?["operatingSystem"]?.stringValue ?? "linux"
    }

    static func lookupError(_ error: KubeError) -> SniffError {
        if error.kind == .forbidden {
            return .session(.rbac(error, need: "get and list pods (and get nodes) in the target namespace"))
        }
        return .notFound(error.description)
    }

    /// The namespace's PodSecurity enforce level, nil when unset or unreadable.
    public func podSecurityLevel(of namespace: String) -> String? {
        guard let object = try? client.get(.namespaces(namespace)) else { return nil }
        return object["metadata"]?["labels"]?[HelperLabels.podSecurityEnforce]?.stringValue
    }
}
