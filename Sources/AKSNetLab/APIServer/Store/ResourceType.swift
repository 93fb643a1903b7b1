/// One kind of API object the lab serves (its discovery entry and storage key).
public struct ResourceType: Sendable, Hashable {
    public let group: String
    public let version: String
    public let plural: String
    public let singular: String
    public let kind: String
    public let namespaced: Bool
    public let shortNames: [String]
    public let categories: [String]
    /// Subresources served, with their verbs as discovery lists them.
    public let subresources: [(name: String, kind: String, verbs: [String])]

    public init(group: String = "", version: String = "v1", plural: String, singular: String, kind: String,
                namespaced: Bool = true, shortNames: [String] = [], categories: [String] = [],
                subresources: [(name: String, kind: String, verbs: [String])] = []) {
        self.group = group
        self.version = version
        self.plural = plural
        self.singular = singular
        self.kind = kind
        self.namespaced = namespaced
        self.shortNames = shortNames
        self.categories = categories
        self.subresources = subresources
    }

    public static func == (lhs: ResourceType, rhs: ResourceType) -> Bool {
        lhs.group == rhs.group && lhs.plural == rhs.plural
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(group)
        hasher.combine(plural)
    }

    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    /// `pods`, `deployments.apps`: how the server names the resource in messages.
    public var qualifiedPlural: String { group.isEmpty ? plural : "\(plural).\(group)" }

    public static let standardVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
    static let statusVerbs = ["get", "patch", "update"]

    public static let namespaces = ResourceType(plural: "namespaces", singular: "namespace", kind: "Namespace",
                                                namespaced: false, shortNames: ["ns"],
                                                subresources: [("status", "Namespace", statusVerbs)])
    public static let nodes = ResourceType(plural: "nodes", singular: "node", kind: "Node", namespaced: false,
                                           shortNames: ["no"], subresources: [("status", "Node", statusVerbs)])
    public static let pods = ResourceType(plural: "pods", singular: "pod", kind: "Pod", shortNames: ["po"],
                                          categories: ["all"], subresources: [
                                              ("attach", "PodAttachOptions", ["create", "get"]),
                                              ("binding", "Binding", ["create"]),
                                              ("ephemeralcontainers", "Pod", ["get", "patch", "update"]),
                                              ("eviction", "Eviction", ["create"]),
                                              ("exec", "PodExecOptions", ["create", "get"]),
                                              ("log", "Pod", ["get"]),
                                              ("portforward", "PodPortForwardOptions", ["create", "get"]),
                                              ("status", "Pod", statusVerbs),
                                          ])
    public static let services = ResourceType(plural: "services", singular: "service", kind: "Service",
                                              shortNames: ["svc"], categories: ["all"],
                                              subresources: [("status", "Service", statusVerbs)])
    public static let endpoints = ResourceType(plural: "endpoints", singular: "endpoints", kind: "Endpoints", shortNames: ["ep"])
    public static let configMaps = ResourceType(plural: "configmaps", singular: "configmap", kind: "ConfigMap", shortNames: ["cm"])
    public static let secrets = ResourceType(plural: "secrets", singular: "secret", kind: "Secret")
    public static let events = ResourceType(plural: "events", singular: "event", kind: "Event", shortNames: ["ev"])
    public static let serviceAccounts = ResourceType(plural: "serviceaccounts", singular: "serviceaccount",
                                                     kind: "ServiceAccount", shortNames: ["sa"])
    public static let daemonSets = ResourceType(group: "apps", plural: "daemonsets", singular: "daemonset", kind: "DaemonSet",
                                                shortNames: ["ds"], categories: ["all"],
                                                subresources: [("status", "DaemonSet", statusVerbs)])
    public static let deployments = ResourceType(group: "apps", plural: "deployments", singular: "deployment", kind: "Deployment",
                                                 shortNames: ["deploy"], categories: ["all"],
                                                 subresources: [("scale", "Scale", statusVerbs), ("status", "Deployment", statusVerbs)])
    public static let replicaSets = ResourceType(group: "apps", plural: "replicasets", singular: "replicaset", kind: "ReplicaSet",
                                                 shortNames: ["rs"], categories: ["all"],
                                                 subresources: [("scale", "Scale", statusVerbs), ("status", "ReplicaSet", statusVerbs)])
    public static let endpointSlices = ResourceType(group: "discovery.k8s.io", plural: "endpointslices", singular: "endpointslice",
                                                    kind: "EndpointSlice")
    public static let networkPolicies = ResourceType(group: "networking.k8s.io", plural: "networkpolicies", singular: "networkpolicy",
                                                     kind: "NetworkPolicy", shortNames: ["netpol"])

    /// Every stored resource, in discovery order.
    public static let all: [ResourceType] = [
        .configMaps, .endpoints, .events, .namespaces, .nodes, .pods, .secrets, .serviceAccounts, .services,
        .daemonSets, .deployments, .replicaSets, .endpointSlices, .networkPolicies,
    ] + rbac

    public static func find(group: String, version: String, plural: String) -> ResourceType? {
        all.first { $0.group == group && $0.version == version && $0.plural == plural }
    }
}
