import KubeModel

/// What the API server fills in on create, per resource (a small part of real defaulting).
enum ObjectDefaults {
    static func apply(_ resource: ResourceType, to object: inout JSONValue, clusterIP: () -> String,
                      clusterIPv6: (() -> String)? = nil) {
        switch resource {
        case .pods: pod(&object)
        case .namespaces:
            object.set(path: ["metadata", "labels", "kubernetes.io/metadata.name"], .string(object.name))
            if object["spec"] == nil { object.set("spec", ["finalizers": ["kubernetes"]]) }
            object.set("status", ["phase": "Active"])
        case .services: service(&object, clusterIP: clusterIP, clusterIPv6: clusterIPv6)
        case .deployments, .daemonSets, .replicaSets:
            object.set(path: ["metadata", "generation"], .int(1))
        default: break
        }
    }

    static func pod(_ object: inout JSONValue) {
        var spec = object["spec"] ?? .object(JSONObject())
        func fill(_ key: String, _ value: JSONValue) { if spec[key] == nil { spec.set(key, value) } }
        fill("restartPolicy", "Always")
        fill("terminationGracePeriodSeconds", 30)
        fill("dnsPolicy", "ClusterFirst")
        fill("serviceAccountName", "default")
        fill("serviceAccount", spec["serviceAccountName"] ?? "default")
        fill("securityContext", .object(JSONObject()))
        fill("schedulerName", "default-scheduler")
        fill("enableServiceLinks", true)
        fill("preemptionPolicy", "PreemptLowerPriority")
        fill("priority", 0)
        fill("tolerations", [
            ["key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300],
            ["key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300],
        ])
        for key in ["containers", "initContainers", "ephemeralContainers"] {
            guard let list = spec[key]?.arrayValue else { continue }
            spec.set(key, .array(list.map(container)))
        }
        object.set("spec", spec)
        var status: JSONValue = ["phase": "Pending", "qosClass": .string(qosClass(spec))]
        if let node = spec["nodeName"]?.stringValue, !node.isEmpty {
            status.set("conditions", [["type": "PodScheduled", "status": "True", "lastProbeTime": .null,
                                       "lastTransitionTime": .string(RFC3339.format(LabClock.now()))]])
        }
        object.set("status", status)
    }

    static func container(_ value: JSONValue) -> JSONValue {
        var c = value
        if c["terminationMessagePath"] == nil { c.set("terminationMessagePath", "/dev/termination-log") }
        if c["terminationMessagePolicy"] == nil { c.set("terminationMessagePolicy", "File") }
        if c["imagePullPolicy"] == nil {
            let image = c["image"]?.stringValue ?? ""
            let lastPart = image.split(separator: "/").last.map(String.init) ?? image
            let untaggedOrLatest = !lastPart.contains(":") || lastPart.hasSuffix(":latest")
            c.set("imagePullPolicy", .string(untaggedOrLatest && !image.contains("@") ? "Always" : "IfNotPresent"))
        }
        if c["resources"] == nil { c.set("resources", .object(JSONObject())) }
        return c
    }

    static func qosClass(_ spec: JSONValue) -> String {
        let containers = spec["containers"]?.arrayValue ?? []
        let hasAny = containers.contains { ($0["resources"]?["requests"]?.objectValue?.count ?? 0) > 0 || ($0["resources"]?["limits"]?.objectValue?.count ?? 0) > 0 }
        return hasAny ? "Burstable" : "BestEffort"
    }

    /// `clusterIPv6` is set on a dual-stack lab: PreferDualStack and RequireDualStack services
    /// then get an IPv6 cluster IP after the IPv4 one, as on a dual-stack AKS cluster.
    static func service(_ object: inout JSONValue, clusterIP: () -> String, clusterIPv6: (() -> String)? = nil) {
        var spec = object["spec"] ?? .object(JSONObject())
        if spec["type"] == nil { spec.set("type", "ClusterIP") }
        if spec["sessionAffinity"] == nil { spec.set("sessionAffinity", "None") }
        let policy = spec["ipFamilyPolicy"]?.stringValue ?? "SingleStack"
        let dual = clusterIPv6 != nil && (policy == "PreferDualStack" || policy == "RequireDualStack")
        if spec["clusterIP"] == nil || spec["clusterIP"]?.stringValue == "" {
            let ip = clusterIP()
            spec.set("clusterIP", .string(ip))
            if dual, let v6 = clusterIPv6?() {
                spec.set("clusterIPs", [.string(ip), .string(v6)])
                spec.set("ipFamilies", ["IPv4", "IPv6"])
            } else {
                spec.set("clusterIPs", [.string(ip)])
            }
        } else if spec["clusterIPs"] == nil, let ip = spec["clusterIP"] {
            spec.set("clusterIPs", [ip])
        }
        if spec["ipFamilies"] == nil { spec.set("ipFamilies", ["IPv4"]) }
        if spec["ipFamilyPolicy"] == nil { spec.set("ipFamilyPolicy", "SingleStack") }
        if spec["internalTrafficPolicy"] == nil { spec.set("internalTrafficPolicy", "Cluster") }
        if let ports = spec["ports"]?.arrayValue {
            spec.set("ports", .array(ports.map { port in
                var p = port
                if p["protocol"] == nil { p.set("protocol", "TCP") }
                if p["targetPort"] == nil, let number = p["port"] { p.set("targetPort", number) }
                return p
            }))
        }
        object.set("spec", spec)
        if object["status"] == nil { object.set("status", ["loadBalancer": .object(JSONObject())]) }
    }
}
