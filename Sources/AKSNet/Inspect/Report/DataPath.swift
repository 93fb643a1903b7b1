/// How a packet travels in this cluster's mode, in plain words with its real names and addresses.
public struct DataPath: Sendable, Equatable {
    public var mode: NetworkMode
    /// The node(s) the explanation uses as its example.
    public var exampleNodes: [String]
    public var flows: [DataPathFlow]

    public init(mode: NetworkMode, exampleNodes: [String], flows: [DataPathFlow]) {
        self.mode = mode
        self.exampleNodes = exampleNodes
        self.flows = flows
    }
}

/// One kind of traffic (`pod-to-pod-same-node`, `pod-to-pod-cross-node`, `pod-to-service`,
/// `pod-to-internet`) as an ordered list of hops.
public struct DataPathFlow: Sendable, Equatable {
    public static let sameNode = "pod-to-pod-same-node"
    public static let crossNode = "pod-to-pod-cross-node"
    public static let service = "pod-to-service"
    public static let internet = "pod-to-internet"

    public var id: String
    public var title: String
    public var hops: [DataPathHop]

    public init(id: String, title: String, hops: [DataPathHop]) {
        self.id = id
        self.title = title
        self.hops = hops
    }
}

/// One step of a flow: where it happens (`pod`, `node`, `vnet`, `internet`), on which node and
/// device, and what happens there in words.
public struct DataPathHop: Sendable, Equatable {
    public enum Place: String, Sendable, CaseIterable {
        case pod, node, vnet, internet
    }

    public var place: Place
    public var node: String?
    /// The interface, chain or table the hop names (`cbr0`, `eth0`, `KUBE-SERVICES`).
    public var device: String?
    public var text: String

    public init(place: Place, node: String? = nil, device: String? = nil, text: String) {
        self.place = place
        self.node = node
        self.device = device
        self.text = text
    }
}
