@testable import AKSNet
import KubeClient
import KubeModel
#if canImport(Glibc)
import Glibc
#endif

/// The fake's watch and exec: the watch is where created pods start (or fail to), exec answers
/// by `execReply`, and an attach holds until its stdin closes, then ends the container.
extension FakeKubeAPI {
    func watch(_ resource: ResourcePath, resourceVersion: String?, labelSelector: String?, fieldSelector: String?,
               maxConsecutiveFailures: Int?, isCancelled: @escaping @Sendable () -> Bool,
               handler: @escaping (WatchEvent) -> KubeClient.WatchDecision) throws(KubeError) {
        store.state.withLock { $0.calls.append(Call(verb: "watch", path: resource.path, cleanup: isCleanup)) }
        // Like a watch without a resourceVersion: the current objects first, as ADDED.
        var seen: [String: JSONValue] = [:]
        for item in try list(resource, labelSelector: labelSelector, fieldSelector: fieldSelector, pageSize: 500).items {
            seen[item.metadataName ?? ""] = item
            if handler(WatchEvent(type: .added, object: item)) == .stop { return }
        }
        while !isCancelled() {
            for event in advance() where resource.namespace == nil || event.object.metadataNamespace == resource.namespace {
                guard event.object.matches(labelSelector: labelSelector), event.object.matches(fieldSelector: fieldSelector) else { continue }
                seen[event.object.metadataName ?? ""] = event.object
                if handler(event) == .stop { return }
            }
            // Another watch (a concurrent session) may have taken the step that changed an object
            // this one watches: every watcher sees the change, as on a real server.
            for item in current(resource, labelSelector: labelSelector, fieldSelector: fieldSelector)
            where seen[item.metadataName ?? ""] != item {
                seen[item.metadataName ?? ""] = item
                if handler(WatchEvent(type: .modified, object: item)) == .stop { return }
            }
            usleep(2_000)
        }
    }

    /// The objects a watch covers, as they are now (not recorded as a call).
    private func current(_ resource: ResourcePath, labelSelector: String?, fieldSelector: String?) -> [JSONValue] {
        let prefix = "\(resource.group)|\(resource.resource)|" + (resource.namespace.map { "\($0)|" } ?? "")
        return store.state.withLock { state in
            state.objects.filter { $0.key.hasPrefix(prefix) }.map(\.value)
        }.filter { $0.matches(labelSelector: labelSelector) && $0.matches(fieldSelector: fieldSelector) }
    }

    /// One step of the kubelet: each pod and ephemeral container waiting to start runs (or
    /// shows why it will not), and says so in a MODIFIED event.
    private func advance() -> [WatchEvent] {
        store.state.withLock { state in
            var events: [WatchEvent] = []
            let pullFails = state.faults.contains(.imagePullFails)
            if !state.faults.contains(.neverRuns) {
                for key in state.starting.sorted() {
                    state.starting.remove(key)
                    guard let pod = state.objects[key] else { continue }
                    let names = (pod["spec"]?["containers"]?.arrayValue ?? []).compactMap { $0["name"] }
                    let statuses = JSONValue.array(names.map { ["name": $0, "state": Self.state(pullFails: pullFails)] })
                    let updated = pod.setting(["status", "phase"], to: pullFails ? "Pending" : "Running")
                        .setting(["status", "containerStatuses"], to: statuses)
                    state.objects[key] = updated
                    events.append(WatchEvent(type: .modified, object: updated))
                }
            }
            for (key, container) in state.startingEphemeral {
                guard let pod = state.objects[key] else { continue }
                let entry: JSONValue = ["name": .string(container), "state": Self.state(pullFails: pullFails)]
                let updated = pod.setting(["status", "ephemeralContainerStatuses"],
                                          to: .array((pod["status"]?["ephemeralContainerStatuses"]?.arrayValue ?? []) + [entry]))
                state.objects[key] = updated
                events.append(WatchEvent(type: .modified, object: updated))
            }
            state.startingEphemeral.removeAll()
            return events
        }
    }

    static func state(pullFails: Bool) -> JSONValue {
        pullFails ? ["waiting": ["reason": "ErrImagePull", "message": "Failed to pull image \"example.invalid/nosuch:1\""]]
            : ["running": ["startedAt": .string(RFC3339.format(WallClock.now))]]
    }

    func exec(_ request: ExecRequest, io: ExecIO) throws(KubeError) -> Int32 {
        let (reply, refusal) = store.state.withLock { state in
            state.calls.append(Call(verb: request.kind.rawValue, path: ResourcePath.pods(request.namespace, request.pod).path,
                                    cleanup: isCleanup))
            state.execs.append(request)
            return (state.execReply, Self.refusal(state.objects[Self.key(.pods(request.namespace, request.pod))], request))
        }
        if let refusal { throw refusal }
        if request.kind == .attach, let fd = io.stdinFD {
            holdUntilClosed(fd, io: io)
            endEphemeral(request)
            return 0
        }
        let (code, stdout) = reply(request)
        if !stdout.isEmpty { _ = io.stdoutSink?(Array(stdout.utf8)) }
        return code
    }

    /// A kubelet's answer before the upgrade: the pod must exist and the container run. A
    /// container the fake started (or failed to) has a status entry; one still starting (a
    /// created pod still Pending, an ephemeral container just added) has none yet. Pods a test
    /// stored without statuses count as running.
    static func refusal(_ pod: JSONValue?, _ request: ExecRequest) -> KubeError? {
        guard let pod else { return notFound(.pods(request.namespace, request.pod)) }
        let status = pod["status"] ?? .null
        let entries = ["containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"]
            .flatMap { status[$0]?.arrayValue ?? [] }
        let notFound = error(500, .server, "InternalError", "container not found (\"\(request.container ?? "")\")")
        if let entry = entries.first(where: { $0["name"]?.stringValue == request.container }) {
            return entry["state"]?["running"] == nil ? notFound : nil
        }
        let ephemeral = (pod["spec"]?["ephemeralContainers"]?.arrayValue ?? []).contains { $0["name"]?.stringValue == request.container }
        return ephemeral || status["phase"]?.stringValue == "Pending" ? notFound : nil
    }

    /// An attach's stdin: the container lives until it reads EOF (EphemeralHold's contract).
    private func holdUntilClosed(_ fd: Int32, io: ExecIO) {
        var buffer = [UInt8](repeating: 0, count: 256)
        while !io.isCancelled() {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 20) >= 0 else { return }
            if poller.revents != 0, read(fd, &buffer, buffer.count) <= 0 { return }
        }
    }

    private func endEphemeral(_ request: ExecRequest) {
        let key = Self.key(.pods(request.namespace, request.pod))
        store.state.withLock { state in
            guard let pod = state.objects[key] else { return }
            let statuses = (pod["status"]?["ephemeralContainerStatuses"]?.arrayValue ?? []).map { status -> JSONValue in
                status["name"]?.stringValue == request.container
                    ? status.setting(["state"], to: ["terminated": ["exitCode": 0, "reason": "Completed"]]) : status
            }
            state.objects[key] = pod.setting(["status", "ephemeralContainerStatuses"], to: .array(statuses))
        }
    }
}
