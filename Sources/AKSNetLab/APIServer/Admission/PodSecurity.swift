import KubeModel

/// Pod Security admission (`pod-security.kubernetes.io/enforce` on the namespace), with the
/// messages the real admission plugin writes.
enum PodSecurity {
    enum Level: String { case privileged, baseline, restricted }

    static let baselineCapabilities: Set<String> = [
        "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
        "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
    ]

    static func level(of namespace: JSONValue?) -> Level {
        let label = namespace?["metadata"]?["labels"]?["pod-security.kubernetes.io/enforce"]?.stringValue ?? "privileged"
        return Level(rawValue: label) ?? .privileged
    }

    static func admit(pod: JSONValue, name: String, namespace: JSONValue?) throws {
        let level = level(of: namespace)
        guard level != .privileged else { return }
        let containers = ["initContainers", "containers", "ephemeralContainers"].flatMap { pod["spec"]?[$0]?.arrayValue ?? [] }
        try reject(violations(spec: pod["spec"] ?? .null, containers: containers, level: level, checkPod: true), name: name, level: level)
    }

    /// Only the new ephemeral containers are judged (plus pod-level fields, unchanged).
    static func admitEphemeral(pod: JSONValue, previous: JSONValue, name: String, namespace: JSONValue?) throws {
        let level = level(of: namespace)
        guard level != .privileged else { return }
        let containers = pod["spec"]?["ephemeralContainers"]?.arrayValue ?? []
        try reject(violations(spec: pod["spec"] ?? .null, containers: containers, level: level, checkPod: false), name: name, level: level)
    }

    static func reject(_ violations: [String], name: String, level: Level) throws {
        guard !violations.isEmpty else { return }
        throw APIError.forbidden(.pods, name, "violates PodSecurity \"\(level.rawValue):latest\": " + violations.joined(separator: ", "))
    }

    /// `container "a"` / `containers "a", "b"`.
    static func containerList(_ names: [String], word: String = "container") -> String {
        let quoted = names.map { "\"\($0)\"" }.joined(separator: ", ")
        return names.count == 1 ? "\(word) \(quoted)" : "\(word)s \(quoted)"
    }

    static func violations(spec: JSONValue, containers: [JSONValue], level: Level, checkPod: Bool) -> [String] {
        var out: [String] = []
        func name(_ c: JSONValue) -> String { c["name"]?.stringValue ?? "" }
        func context(_ c: JSONValue) -> JSONValue { c["securityContext"] ?? .null }
        let podContext = spec["securityContext"] ?? .null

        if level == .restricted {
            let escalating = containers.filter { context($0)["allowPrivilegeEscalation"]?.boolValue != false }
            if !escalating.isEmpty {
                out.append("allowPrivilegeEscalation != false (\(containerList(escalating.map(name))) must set securityContext.allowPrivilegeEscalation=false)")
            }
        }
        // Baseline capabilities.
        var added: [String] = []
        for c in containers {
            let extra = (context(c)["capabilities"]?["add"]?.arrayValue ?? []).compactMap(\.stringValue)
                .filter { !baselineCapabilities.contains($0) }
            if !extra.isEmpty {
                added.append("\(containerList([name(c)])) must not include \(extra.map { "\"\($0)\"" }.joined(separator: ", ")) in securityContext.capabilities.add")
            }
        }
        if !added.isEmpty { out.append("non-default capabilities (\(added.joined(separator: "; ")))") }
        if level == .restricted {
            var problems: [String] = []
            let notDropping = containers.filter { !(context($0)["capabilities"]?["drop"]?.arrayValue ?? []).contains("ALL") }
            if !notDropping.isEmpty { problems.append("\(containerList(notDropping.map(name))) must set securityContext.capabilities.drop=[\"ALL\"]") }
            for c in containers {
                let extra = (context(c)["capabilities"]?["add"]?.arrayValue ?? []).compactMap(\.stringValue).filter { $0 != "NET_BIND_SERVICE" }
                if !extra.isEmpty {
                    problems.append("\(containerList([name(c)])) must not include \(extra.map { "\"\($0)\"" }.joined(separator: ", ")) in securityContext.capabilities.add")
                }
            }
            if !problems.isEmpty { out.append("unrestricted capabilities (\(problems.joined(separator: "; ")))") }
        }
        if checkPod {
            let hostFlags = ["hostNetwork", "hostPID", "hostIPC"].filter { spec[$0]?.boolValue == true }
            if !hostFlags.isEmpty { out.append("host namespaces (\(hostFlags.map { "\($0)=true" }.joined(separator: ", ")))") }
            let hostPaths = (spec["volumes"]?.arrayValue ?? []).filter { $0["hostPath"] != nil }.compactMap { $0["name"]?.stringValue }
            if !hostPaths.isEmpty { out.append("hostPath volumes (\(containerList(hostPaths, word: "volume")))") }
        }
        var hostPorts: [String] = []
        for c in containers {
            let ports = (c["ports"]?.arrayValue ?? []).compactMap { $0["hostPort"]?.intValue }.filter { $0 != 0 }
            if !ports.isEmpty { hostPorts.append("\(containerList([name(c)])) uses \(ports.count == 1 ? "hostPort" : "hostPorts") \(ports.map(String.init).joined(separator: ", "))") }
        }
        if !hostPorts.isEmpty { out.append("hostPort (\(hostPorts.joined(separator: "; ")))") }
        // Windows HostProcess, at pod or container level (baseline forbids both).
        func hostProcess(_ context: JSONValue) -> Bool { context["windowsOptions"]?["hostProcess"]?.boolValue == true }
        var hostProcessSetters = checkPod && hostProcess(podContext) ? ["pod"] : []
        let hostProcessContainers = containers.filter { hostProcess(context($0)) }.map(name)
        if !hostProcessContainers.isEmpty { hostProcessSetters.append(containerList(hostProcessContainers)) }
        if !hostProcessSetters.isEmpty {
            out.append("hostProcess (\(hostProcessSetters.joined(separator: " and ")) must not set securityContext.windowsOptions.hostProcess=true)")
        }
        let privileged = containers.filter { context($0)["privileged"]?.boolValue == true }
        if !privileged.isEmpty {
            out.append("privileged (\(containerList(privileged.map(name))) must not set securityContext.privileged=true)")
        }
        if level == .restricted {
            if checkPod {
                let hostPaths = (spec["volumes"]?.arrayValue ?? []).filter { $0["hostPath"] != nil }.compactMap { $0["name"]?.stringValue }
                if !hostPaths.isEmpty {
                    let word = hostPaths.count == 1 ? "volume \"\(hostPaths[0])\" uses restricted volume type" : "volumes \(hostPaths.map { "\"\($0)\"" }.joined(separator: ", ")) use restricted volume type"
                    out.append("restricted volume types (\(word) \"hostPath\")")
                }
            }
            let podNonRoot = podContext["runAsNonRoot"]?.boolValue == true
            let rootish = containers.filter { c in
                let own = context(c)["runAsNonRoot"]?.boolValue
                return own == false || (own == nil && !podNonRoot)
            }
            if !rootish.isEmpty {
                out.append("runAsNonRoot != true (pod or \(containerList(rootish.map(name))) must set securityContext.runAsNonRoot=true)")
            }
            let podSeccomp = podContext["seccompProfile"]?["type"]?.stringValue
            let noSeccomp = containers.filter { c in
                let type = context(c)["seccompProfile"]?["type"]?.stringValue ?? podSeccomp
                return type != "RuntimeDefault" && type != "Localhost"
            }
            if !noSeccomp.isEmpty {
                out.append("seccompProfile (pod or \(containerList(noSeccomp.map(name))) must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")")
            }
        }
        return out
    }
}
