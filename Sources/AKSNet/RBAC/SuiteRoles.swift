import KubeModel

/// The least RBAC each command needs, read off its code paths (the API calls in Sniff, Jump,
/// Cleanup, Helpers), as ClusterRoles `aksnet-<command>` and Roles for narrower bindings.
/// A lab test binds each to a fresh user and runs the command, then removes one rule and sees
/// the one-line 403 that names it (RBACOnLabTests).
public enum SuiteRoles {
    public struct Rule: Sendable, Equatable {
        public let group: String
        public let resources: [String]
        public let verbs: [String]
        public let why: String

        public init(_ group: String, _ resources: [String], _ verbs: [String], _ why: String) {
            self.group = group
            self.resources = resources
            self.verbs = verbs
            self.why = why
        }

        public var json: JSONValue {
            ["apiGroups": [.string(group)], "resources": .array(resources.map(JSONValue.string)),
             "verbs": .array(verbs.map(JSONValue.string))]
        }
    }

    public struct RoleFile: Sendable {
        public let name: String
        public let comment: String
        public let objects: [JSONValue]
    }

    static let helpers = HelperLabels.namespace

    /// sniff, every mode: ephemeral captures in the target pods, node helpers in aksnet-system.
    public static let sniff: [Rule] = [
        Rule("", ["pods"], ["get", "list", "watch"], "resolve targets and -l, wait for helpers to run"),
        Rule("", ["pods"], ["create", "delete"], "node helpers (aksnet-system)"),
        Rule("", ["pods/ephemeralcontainers"], ["patch"], "add the capture container to a target pod"),
        Rule("", ["pods/attach"], ["create", "get"], "hold and end the ephemeral container"),
        Rule("", ["pods/exec"], ["create", "get"], "run tcpdump in the helper"),
        Rule("", ["pods/portforward"], ["create", "get"], "the port-forward transport of the capture"),
        Rule("", ["nodes"], ["get", "list"], "node/NAME targets, the node a pod runs on"),
        Rule("", ["namespaces"], ["get", "create"], "PodSecurity labels of the target namespace; create aksnet-system once"),
        Rule("", ["events"], ["list"], "say why a helper does not start"),
        Rule("", ["endpoints"], ["get"], "leave the API server's own stream out of node captures"),
        Rule("discovery.k8s.io", ["endpointslices"], ["list"], "the same, from EndpointSlices"),
        Rule("apps", ["deployments"], ["get"], "deploy/NAME targets"),
    ]

    /// sniff --mode ephemeral in one namespace only: no node, no new pod.
    public static let sniffEphemeral: [Rule] = [
        Rule("", ["pods"], ["get", "list", "watch"], "resolve targets and -l, wait for the container to run"),
        Rule("", ["pods/ephemeralcontainers"], ["patch"], "add the capture container"),
        Rule("", ["pods/attach"], ["create", "get"], "hold and end the ephemeral container"),
        Rule("", ["pods/exec"], ["create", "get"], "run tcpdump in it"),
        Rule("", ["events"], ["list"], "say why the container does not start"),
        Rule("apps", ["deployments"], ["get"], "deploy/NAME targets"),
    ]

    public static let jump: [Rule] = [
        Rule("", ["nodes"], ["get", "list"], "the node and its InternalIP; --print-ssh-config lists them"),
        Rule("", ["pods"], ["get", "list", "watch"], "find a relay to share, wait for it to run"),
        Rule("", ["pods"], ["create", "delete", "patch"], "the relay or shell pod (aksnet-system); users of a shared relay"),
        Rule("", ["pods/portforward"], ["create", "get"], "ssh and --stdio through the relay"),
        Rule("", ["pods/exec"], ["create", "get"], "--shell"),
        Rule("", ["namespaces"], ["get", "create"], "create aksnet-system once"),
        Rule("", ["events"], ["list"], "say why a pod does not start"),
    ]

    public static let cleanup: [Rule] = [
        Rule("", ["pods"], ["list", "get", "delete"], "find helpers by label and delete them"),
        Rule("", ["pods/attach"], ["create", "get"], "end ephemeral containers still running (they cannot be deleted)"),
    ]

    /// inspect, as its branch builds it: a collector pod per node or a DaemonSet in aksnet-system.
    public static let inspect: [Rule] = [
        Rule("", ["nodes"], ["get", "list"], "the nodes and their network labels"),
        Rule("", ["pods"], ["get", "list", "watch"], "collector pods, CoreDNS, kube-proxy"),
        Rule("", ["pods"], ["create", "delete"], "collector pods (aksnet-system)"),
        Rule("", ["pods/exec"], ["create", "get"], "run the collector commands"),
        Rule("", ["pods/log"], ["get"], "collector output"),
        Rule("", ["services"], ["get", "list"], "kube-dns and Service checks"),
        Rule("", ["namespaces"], ["get", "create"], "create aksnet-system once"),
        Rule("", ["events"], ["list"], "say why a collector does not start"),
        Rule("discovery.k8s.io", ["endpointslices"], ["get", "list"], "Service endpoints"),
        Rule("apps", ["daemonsets"], ["get", "list", "watch"], "kube-proxy, CNI and network-policy DaemonSets"),
        Rule("apps", ["daemonsets"], ["create", "delete"], "the collector DaemonSet (aksnet-system)"),
    ]

    /// inspect reads ip-masq-agent, CoreDNS and kube-proxy ConfigMaps in kube-system only.
    public static let inspectKubeSystem: [Rule] = [
        Rule("", ["configmaps"], ["get", "list"], "ip-masq-agent, coredns and kube-proxy configuration"),
    ]

    static func role(kind: String, name: String, namespace: String?, command: String, rules: [Rule]) -> JSONValue {
        var metadata = JSONObject()
        metadata["name"] = .string(name)
        if let namespace { metadata["namespace"] = .string(namespace) }
        metadata["labels"] = [HelperLabels.managedByKey: .string(HelperLabels.managedByValue), HelperLabels.commandKey: .string(command)]
        return ["apiVersion": "rbac.authorization.k8s.io/v1", "kind": .string(kind), "metadata": .object(metadata),
                "rules": .array(rules.map(\.json))]
    }

    public static func clusterRole(_ command: String, _ rules: [Rule]) -> JSONValue {
        role(kind: "ClusterRole", name: "aksnet-\(command)", namespace: nil, command: command, rules: rules)
    }

    public static var files: [RoleFile] {
        [
            RoleFile(name: "aksnet-sniff", comment: "kubectl aksnet sniff, every mode. Bind with a ClusterRoleBinding.",
                     objects: [clusterRole("sniff", sniff)]),
            RoleFile(name: "aksnet-sniff-ephemeral",
                     comment: "kubectl aksnet sniff --mode ephemeral in one namespace: a Role (set its namespace) and a RoleBinding.",
                     objects: [role(kind: "Role", name: "aksnet-sniff-ephemeral", namespace: "default", command: "sniff",
                                    rules: sniffEphemeral)]),
            RoleFile(name: "aksnet-jump", comment: "kubectl aksnet jump (ssh, --stdio, --shell, --print-ssh-config).",
                     objects: [clusterRole("jump", jump)]),
            RoleFile(name: "aksnet-inspect",
                     comment: "kubectl aksnet inspect: a ClusterRole and a Role in kube-system for the ConfigMaps it reads.",
                     objects: [clusterRole("inspect", inspect),
                               role(kind: "Role", name: "aksnet-inspect", namespace: "kube-system", command: "inspect",
                                    rules: inspectKubeSystem)]),
            RoleFile(name: "aksnet-cleanup", comment: "kubectl aksnet cleanup (-A needs the ClusterRoleBinding; one namespace, a RoleBinding).",
                     objects: [clusterRole("cleanup", cleanup)]),
        ]
    }

    /// The rules of a command by name (the lab test and the krew caveats read them).
    public static func rules(for command: String) -> [Rule]? {
        switch command {
        case "sniff": return sniff
        case "sniff-ephemeral": return sniffEphemeral
        case "jump": return jump
        case "inspect": return inspect
        case "cleanup": return cleanup
        default: return nil
        }
    }
}
