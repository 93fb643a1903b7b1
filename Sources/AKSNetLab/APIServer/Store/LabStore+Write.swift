import KubeModel

extension LabStore {
    /// Creates an object (POST). Fills in metadata and defaults, runs PodSecurity admission for pods.
    @discardableResult
    public func create(_ resource: ResourceType, namespace: String?, object input: JSONValue) throws -> JSONValue {
        var object = input
        guard case .object = object else { throw APIError.badRequest("the body of the request was not a JSON object") }
        let namespace = resource.namespaced ? (namespace ?? object.metadataNamespace ?? "default") : nil
        if let namespace, let bodyNamespace = object.metadataNamespace, !bodyNamespace.isEmpty, bodyNamespace != namespace {
            throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        var name = object.name
        if name.isEmpty, let prefix = object["metadata"]?["generateName"]?.stringValue, !prefix.isEmpty {
            name = prefix + LabClock.nameSuffix()
        }
        guard !name.isEmpty else {
            throw APIError.invalid(resource, "", "metadata.name: Required value: name or generateName is required")
        }
        return try lock.withLock {
            if let namespace, !namespaceExists(namespace) { throw APIError.notFound(.namespaces, namespace) }
            let key = Self.key(namespace, name)
            if objects[resource]?[key] != nil { throw APIError.alreadyExists(resource, name) }
            if resource == .pods {
                try PodSecurity.admit(pod: object, name: name, namespace: namespaceObject(namespace))
            }
            revision += 1
            object.set("apiVersion", .string(resource.apiVersion))
            object.set("kind", .string(resource.kind))
            var metadata = object["metadata"] ?? .object(JSONObject())
            metadata.set("name", .string(name))
            if let namespace { metadata.set("namespace", .string(namespace)) }
            metadata.set("uid", .string(LabClock.uid()))
            metadata.set("resourceVersion", .string(String(revision)))
            metadata.set("creationTimestamp", .string(RFC3339.format(LabClock.now())))
            object.set("metadata", Self.orderedMetadata(metadata))
            let v6: (() -> String)? = dualStack ? { self.allocateClusterIPv6() } : nil
            ObjectDefaults.apply(resource, to: &object, clusterIP: { self.allocateClusterIP() }, clusterIPv6: v6)
            objects[resource, default: [:]][key] = object
            publish(StoreEvent(kind: .added, resource: resource, object: object, previous: nil, resourceVersion: revision))
            return object
        }
    }

    /// Replaces an object (PUT). `subresource` "status" keeps everything but status,
    /// "ephemeralcontainers" takes only `spec.ephemeralContainers`; the main resource keeps the old status.
    @discardableResult
    public func update(_ resource: ResourceType, namespace: String?, name: String, object: JSONValue,
                       subresource: String? = nil) throws -> JSONValue {
        try lock.withLock { try replaceLocked(resource, namespace: namespace, name: name, object: object, subresource: subresource) }
    }

    /// Applies a PATCH (merge, strategic merge or JSON patch) to an object or its subresource.
    @discardableResult
    public func patch(_ resource: ResourceType, namespace: String?, name: String, type: PatchType, patch: JSONValue,
                      subresource: String? = nil) throws -> JSONValue {
        try lock.withLock {
            let current = try existingLocked(resource, namespace: namespace, name: name)
            var patched = try Patching.apply(type, patch: patch, to: current)
            // A patch that does not name a resourceVersion never conflicts.
            let namesVersion = type == .json
                ? (patch.arrayValue ?? []).contains { $0["path"]?.stringValue == "/metadata/resourceVersion" }
                : patch["metadata"]?["resourceVersion"] != nil
            if !namesVersion { patched.set(path: ["metadata", "resourceVersion"], current["metadata"]?["resourceVersion"]) }
            return try replaceLocked(resource, namespace: namespace, name: name, object: patched, subresource: subresource)
        }
    }

    /// Reads, changes and writes back an object in one step (no conflicts): the lab kubelet's way
    /// to update `status`. Runs no admission.
    @discardableResult
    public func modify(_ resource: ResourceType, namespace: String?, name: String,
                       _ change: (inout JSONValue) throws -> Void) throws -> JSONValue {
        try lock.withLock {
            var object = try existingLocked(resource, namespace: namespace, name: name)
            try change(&object)
            object.set(path: ["metadata", "resourceVersion"], nil)
            return try storeLocked(resource, namespace: namespace, name: name, object: object)
        }
    }

    func existingLocked(_ resource: ResourceType, namespace: String?, name: String) throws -> JSONValue {
        guard let object = objects[resource]?[Self.key(resource.namespaced ? namespace : nil, name)] else {
            throw APIError.notFound(resource, name)
        }
        return object
    }

    func namespaceObject(_ namespace: String?) -> JSONValue? {
        guard let namespace else { return nil }
        return objects[.namespaces]?[Self.key(nil, namespace)]
    }

    func replaceLocked(_ resource: ResourceType, namespace: String?, name: String, object input: JSONValue,
                       subresource: String?) throws -> JSONValue {
        let current = try existingLocked(resource, namespace: namespace, name: name)
        if !input.name.isEmpty, input.name != name {
            throw APIError.badRequest("the name of the object (\(input.name)) does not match the name on the URL (\(name))")
        }
        if let wanted = input.resourceVersion, !wanted.isEmpty, wanted != current.resourceVersion {
            throw APIError.conflict(resource, name)
        }
        var next: JSONValue
        switch subresource {
        case "status":
            next = current
            next.set("status", input["status"])
        case "ephemeralcontainers":
            next = current
            let containers = (input["spec"]?["ephemeralContainers"]?.arrayValue ?? []).map(ObjectDefaults.container)
            next.set(path: ["spec", "ephemeralContainers"], .array(containers))
            try PodSecurity.admitEphemeral(pod: next, previous: current, name: name, namespace: namespaceObject(namespace))
        default:
            next = input
            var metadata = input["metadata"] ?? .object(JSONObject())
            for key in ["uid", "creationTimestamp", "namespace", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"] {
                metadata.set(key, current["metadata"]?[key])
            }
            metadata.set("name", .string(name))
            next.set("metadata", metadata)
            next.set("apiVersion", .string(resource.apiVersion))
            next.set("kind", .string(resource.kind))
            if resource.subresources.contains(where: { $0.name == "status" }) { next.set("status", current["status"]) }
            if resource == .pods, next["spec"]?["ephemeralContainers"] == nil {
                next.set(path: ["spec", "ephemeralContainers"], current["spec"]?["ephemeralContainers"])
            }
            if let generation = current["metadata"]?["generation"]?.intValue, !(next["spec"] ?? .null).sameJSON(as: current["spec"] ?? .null) {
                next.set(path: ["metadata", "generation"], .int(generation + 1))
            }
        }
        return try storeLocked(resource, namespace: namespace, name: name, object: next)
    }

    func storeLocked(_ resource: ResourceType, namespace: String?, name: String, object: JSONValue) throws -> JSONValue {
        let key = Self.key(resource.namespaced ? namespace : nil, name)
        let previous = objects[resource]?[key]
        revision += 1
        var next = object
        next.set(path: ["metadata", "resourceVersion"], .string(String(revision)))
        objects[resource, default: [:]][key] = next
        publish(StoreEvent(kind: .modified, resource: resource, object: next, previous: previous, resourceVersion: revision))
        return next
    }

    /// Metadata keys in the order a real server writes them.
    static func orderedMetadata(_ metadata: JSONValue) -> JSONValue {
        let order = ["name", "generateName", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
                     "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers"]
        guard let object = metadata.objectValue else { return metadata }
        var out = JSONObject()
        for key in order { if let value = object[key] { out[key] = value } }
        for (key, value) in object where !order.contains(key) { out[key] = value }
        return .object(out)
    }
}
