import KubeModel

/// A target as the user wrote it: `POD`, `pod/NAME`, `node/NAME`, `deploy/NAME`, or `-l SELECTOR`.
public enum TargetSpec: Equatable, Sendable {
    case pod(String)
    case node(String)
    case deployment(String)
    case selector(String)

    public static func parse(_ text: String) throws(SniffError) -> TargetSpec {
        guard let slash = text.firstIndex(of: "/") else {
            guard !text.isEmpty else { throw SniffError.usage("an empty target") }
            return .pod(text)
        }
        let kind = text[..<slash].lowercased()
        let name = String(text[text.index(after: slash)...])
        guard !name.isEmpty, !name.contains("/") else { throw SniffError.usage("bad target \(text): use POD, pod/NAME, node/NAME or deploy/NAME") }
        switch kind {
        case "pod", "pods", "po": return .pod(name)
        case "node", "nodes", "no": return .node(name)
        case "deploy", "deployment", "deployments", "deployment.apps": return .deployment(name)
        default: throw SniffError.usage("bad target \(text): use POD, pod/NAME, node/NAME or deploy/NAME")
        }
    }
}

/// A target resolved against the cluster: one pod (with its node and IP) or one node.
public struct ResolvedTarget: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case pod(namespace: String, name: String, container: String?, podIP: String, hostNetwork: Bool)
        case node
    }

    public var kind: Kind
    public var nodeName: String
    /// `windows` or `linux`, from the node's `kubernetes.io/os` label.
    public var nodeOS: String

    public init(kind: Kind, nodeName: String, nodeOS: String = "linux") {
        self.kind = kind
        self.nodeName = nodeName
        self.nodeOS = nodeOS
    }

    /// The pcapng interface name: `pod/NS/NAME` or `node/NAME`.
    public var interfaceName: String {
        switch kind {
        case .pod(let namespace, let name, _, _, _): return "pod/\(namespace)/\(name)"
        case .node: return "node/\(nodeName)"
        }
    }

    public var namespace: String? {
        if case .pod(let namespace, _, _, _, _) = kind { return namespace }
        return nil
    }

    public var isPod: Bool { namespace != nil }
}
