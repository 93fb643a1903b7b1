import KubeModel

extension LabStore {
    /// Deletes an object (DELETE) and returns its last state. A pod bound to a node, with a
    /// grace period > 0 and a termination hook installed, only gets `deletionTimestamp`: the
    /// hook's owner finishes with `finishPodDeletion`.
    @discardableResult
    public func delete(_ resource: ResourceType, namespace: String?, name: String,
                       gracePeriodSeconds: Int64? = nil, preconditionUID: String? = nil) throws -> JSONValue {
        var hookCall: (@Sendable (JSONValue) -> Void, JSONValue)?
        let result: JSONValue = try lock.withLock {
            let current = try existingLocked(resource, namespace: namespace, name: name)
            if let preconditionUID, current["metadata"]?["uid"]?.stringValue != preconditionUID {
                throw APIError.conflict(resource, name)
            }
            if resource == .pods, let hook = podTerminationHook,
               let node = current["spec"]?["nodeName"]?.stringValue, !node.isEmpty {
                let grace = gracePeriodSeconds ?? current["spec"]?["terminationGracePeriodSeconds"]?.intValue ?? 30
                let phase = current["status"]?["phase"]?.stringValue ?? ""
                if grace > 0, phase != "Succeeded", phase != "Failed" {
                    if current["metadata"]?["deletionTimestamp"] != nil { return current }
                    var next = current
                    next.set(path: ["metadata", "deletionTimestamp"], .string(RFC3339.format(LabClock.now() + Double(grace))))
                    next.set(path: ["metadata", "deletionGracePeriodSeconds"], .int(grace))
                    next.set("metadata", Self.orderedMetadata(next["metadata"] ?? .null))
                    let stored = try storeLocked(resource, namespace: namespace, name: name, object: next)
                    hookCall = (hook, stored)
                    return stored
                }
            }
            return removeLocked(resource, namespace: namespace, name: name, current: current)
        }
        if let (hook, pod) = hookCall { hook(pod) }
        return result
    }

    /// Removes a gracefully deleted pod for good (the kubelet has stopped it).
    @discardableResult
    public func finishPodDeletion(namespace: String, name: String) throws -> JSONValue {
        try lock.withLock {
            let current = try existingLocked(.pods, namespace: namespace, name: name)
            return removeLocked(.pods, namespace: namespace, name: name, current: current)
        }
    }

    func removeLocked(_ resource: ResourceType, namespace: String?, name: String, current: JSONValue) -> JSONValue {
        if resource == .namespaces {
            // Contents go with the namespace (a real server does this in the namespace controller).
            for type in ResourceType.all where type.namespaced {
                for (key, object) in objects[type] ?? [:] where object.metadataNamespace == name {
                    _ = removeLocked(type, namespace: name, name: object.name, current: objects[type]?[key] ?? object)
                }
            }
        }
        revision += 1
        var last = current
        last.set(path: ["metadata", "resourceVersion"], .string(String(revision)))
        objects[resource]?[Self.key(resource.namespaced ? namespace : nil, name)] = nil
        publish(StoreEvent(kind: .deleted, resource: resource, object: last, previous: current, resourceVersion: revision))
        if resource == .pods { logs.forget(namespace: namespace ?? "", pod: name) }
        return last
    }
}
