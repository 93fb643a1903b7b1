import Foundation

/// The kubelet streaming server's URLs, as kube-apiserver builds them from the pod's
/// subresource request (`ExecLocation`, `AttachLocation`, `PortForwardLocation`, `LogLocation`):
/// `/exec/NS/POD/CONTAINER?command=…&input=1&output=1&error=1&tty=1`, `/attach/…` (same flags),
/// `/portForward/NS/POD?port=…`, `/containerLogs/NS/POD/CONTAINER?follow=true&tailLines=N&limitBytes=N`.
/// Pure: the API server writes them, the lab kubelet reads them back.
enum KubeletURL {
    enum Target: Equatable {
        case exec(namespace: String, pod: String, container: String, command: [String], flags: Flags)
        case attach(namespace: String, pod: String, container: String, flags: Flags)
        case portForward(namespace: String, pod: String, ports: [UInt16])
        case logs(namespace: String, pod: String, container: String, follow: Bool, tailLines: Int?, limitBytes: Int?)
    }

    struct Flags: Equatable {
        var stdin = false, stdout = false, stderr = false, tty = false
    }

    static func path(for plan: StreamRequest) -> String {
        let flags = Flags(stdin: plan.stdin, stdout: plan.stdout, stderr: plan.stderr, tty: plan.tty)
        switch plan.kind {
        case .exec:
            return uri(.exec(namespace: plan.namespace, pod: plan.pod, container: plan.containerName, command: plan.argv, flags: flags))
        case .attach:
            return uri(.attach(namespace: plan.namespace, pod: plan.pod, container: plan.containerName, flags: flags))
        case .portForward:
            return uri(.portForward(namespace: plan.namespace, pod: plan.pod, ports: plan.ports))
        }
    }

    static func uri(_ target: Target) -> String {
        func flagItems(_ flags: Flags) -> [(String, String)] {
            [("input", flags.stdin), ("output", flags.stdout), ("error", flags.stderr), ("tty", flags.tty)]
                .filter(\.1).map { ($0.0, "1") }
        }
        let path: [String]
        var query: [(String, String)] = []
        switch target {
        case .exec(let namespace, let pod, let container, let command, let flags):
            path = ["exec", namespace, pod, container]
            query = command.map { ("command", $0) } + flagItems(flags)
        case .attach(let namespace, let pod, let container, let flags):
            path = ["attach", namespace, pod, container]
            query = flagItems(flags)
        case .portForward(let namespace, let pod, let ports):
            path = ["portForward", namespace, pod]
            query = ports.map { ("port", String($0)) }
        case .logs(let namespace, let pod, let container, let follow, let tailLines, let limitBytes):
            path = ["containerLogs", namespace, pod, container]
            if follow { query.append(("follow", "true")) }
            if let tailLines { query.append(("tailLines", String(tailLines))) }
            if let limitBytes { query.append(("limitBytes", String(limitBytes))) }
        }
        let text = "/" + path.map(escape).joined(separator: "/")
        guard !query.isEmpty else { return text }
        return text + "?" + query.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }

    /// The target of a request line's URI; nil when it is none of the kubelet's streaming paths.
    static func parse(_ uri: String) -> Target? {
        let mark = uri.firstIndex(of: "?")
        let rawPath = mark.map { String(uri[..<$0]) } ?? uri
        let query = mark.map { APIRequest.parseQuery(String(uri[uri.index(after: $0)...])) } ?? [:]
        let parts = rawPath.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
            .map { APIRequest.percentDecode(String($0), plusIsSpace: false) }
        func on(_ name: String) -> Bool { ["1", "true"].contains(query[name]?.last ?? "") }
        let flags = Flags(stdin: on("input"), stdout: on("output"), stderr: on("error"), tty: on("tty"))
        switch (parts.first, parts.count) {
        case ("exec", 4):
            return .exec(namespace: parts[1], pod: parts[2], container: parts[3], command: query["command"] ?? [], flags: flags)
        case ("attach", 4):
            return .attach(namespace: parts[1], pod: parts[2], container: parts[3], flags: flags)
        case ("portForward", 3):
            let ports = (query["port"] ?? []).compactMap { UInt16($0) }
            return .portForward(namespace: parts[1], pod: parts[2], ports: ports)
        case ("containerLogs", 4):
            return .logs(namespace: parts[1], pod: parts[2], container: parts[3], follow: query["follow"]?.last == "true",
                         tailLines: query["tailLines"]?.last.flatMap { Int($0) },
                         limitBytes: query["limitBytes"]?.last.flatMap { Int($0) })
        default:
            return nil
        }
    }

    /// RFC 3986 unreserved characters stay; everything else is %XX (spaces too: `+` is not used).
    static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if byte < 0x80, c.isLetter || c.isNumber || "-._~".contains(c) {
                out.append(c)
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
