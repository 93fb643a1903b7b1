import KubeClient
import KubeModel

/// The node a jump goes to, found by name or by one of its InternalIPs.
public struct JumpNode: Sendable, Equatable {
    public var name: String
    public var internalIP: String
    public var os: String
    public var ready: Bool
    public var readyReason: String

    public var isWindows: Bool { os == "windows" }

    public init(name: String, internalIP: String, os: String = "linux", ready: Bool = true, readyReason: String = "") {
        self.name = name
        self.internalIP = internalIP
        self.os = os
        self.ready = ready
        self.readyReason = readyReason
    }

    /// Reads one Node object (pure: table-tested).
    public static func from(_ node: JSONValue) -> JumpNode {
        let addresses = node["status"]?["addresses"]?.arrayValue ?? []
        let internalIP = addresses.first { $0["type"]?.stringValue == "InternalIP" }?["address"]?.stringValue ?? ""
        let labels = node["metadata"]?["labels"]
        let os = labels?["kubernetes.io/os"]?.stringValue ?? labels?["beta.kubernetes.io/os"]?.stringValue ?? "linux"
        let condition = (node["status"]?["conditions"]?.arrayValue ?? []).first { $0["type"]?.stringValue == "Ready" }
        let ready = condition?["status"]?.stringValue == "True"
        let reason = condition?["reason"]?.stringValue ?? condition?["message"]?.stringValue ?? "no Ready condition"
        return JumpNode(name: node.metadataName ?? "", internalIP: internalIP, os: os, ready: ready, readyReason: reason)
    }

    /// Matches what the user typed (`%h` of ssh: a node name or an IP) against the cluster's nodes.
    public static func match(_ wanted: String, in nodes: [JumpNode]) -> JumpNode? {
        nodes.first { $0.name == wanted } ?? nodes.first { $0.name.lowercased() == wanted.lowercased() }
            ?? nodes.first { !$0.internalIP.isEmpty && $0.internalIP == wanted }
    }

    /// Finds `wanted` (a name: one GET; otherwise, or when that finds nothing, a list matched by
    /// name or InternalIP — on a cluster of thousands of nodes a list is megabytes); a NotReady
    /// node is refused with its reason. `all` holds the node, and for a Windows node the Linux
    /// nodes its relay may run on.
    public static func resolve(_ wanted: String, client: KubeClient) throws(JumpError) -> (node: JumpNode, all: [JumpNode]) {
        var found: JumpNode?
        var all: [JumpNode] = []
        if NodeNameSyntax.accepts(wanted), let object = try? client.get(.nodes(wanted)) {
            let node = JumpNode.from(object)
            found = node
            all = [node]
            if node.isWindows {
                all += try list(client: client, labelSelector: "kubernetes.io/os=linux", why: "to pick a Linux node for \(wanted)'s relay")
            }
        } else {
            all = try list(client: client, why: "to find \(wanted) and its InternalIP")
            found = match(wanted, in: all)
        }
        guard let node = found else { throw JumpError.unknownNode(wanted, known: all.map(\.name)) }
        guard node.ready else { throw JumpError.notReady(node: node.name, reason: node.readyReason) }
        guard !node.internalIP.isEmpty else { throw JumpError.stream("node \(node.name) has no InternalIP address") }
        return (node, all)
    }

    /// Every node of the cluster; a refusal names the verb (`list nodes`) and `why`.
    public static func list(client: KubeClient, labelSelector: String? = nil, why: String) throws(JumpError) -> [JumpNode] {
        do {
            return try client.list(ResourcePath(resource: "nodes"), labelSelector: labelSelector).items.map(JumpNode.from)
        } catch where error.kind == .forbidden {
            throw JumpError.session(.rbac(error, need: "list nodes (\(why))"))
        } catch {
            throw JumpError.session(.kube(error))
        }
    }

    /// Where the relay runs: on the node itself for a Linux node (its own network reaches its port
    /// 22), on a Ready Linux node for a Windows one (never a Linux pod on a Windows node).
    public static func relayHost(for node: JumpNode, among all: [JumpNode]) -> JumpNode? {
        if !node.isWindows { return node }
        return all.filter { !$0.isWindows && $0.ready }.sorted { $0.name < $1.name }.first
    }
}

/// Whether a string can be a node's name (a DNS subdomain: lowercase letters, digits, `-`, `.`,
/// at most 253) and so worth one GET before a list.
public enum NodeNameSyntax {
    public static func accepts(_ text: String) -> Bool {
        guard (1...253).contains(text.utf8.count), text.utf8.allSatisfy({ byte in
            (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57) || byte == 45 || byte == 46
        }) else { return false }
        // An IPv4 address is also made of digits and dots: those go to the list (InternalIP match).
        return !text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || $0 == 46 }
    }
}
