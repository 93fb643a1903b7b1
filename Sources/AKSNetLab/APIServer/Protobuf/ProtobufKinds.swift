import KubeModel

/// The schemas of the kinds kubectl's generators and `kubectl debug` send as protobuf (field numbers from
/// k8s.io/api's generated.proto), and the body decoder the API server uses.
enum ProtobufKinds {
    static let objectMeta = ProtobufSchema([
        1: ("name", .string), 2: ("generateName", .string), 3: ("namespace", .string), 5: ("uid", .string),
        6: ("resourceVersion", .string), 11: ("labels", .map(.string)), 12: ("annotations", .map(.string)),
        14: ("finalizers", .repeated(.string)),
    ])
    static let localReference = ProtobufSchema([1: ("name", .string)])
    static let labelSelector = ProtobufSchema([1: ("matchLabels", .map(.string))])
    static let containerPort = ProtobufSchema([1: ("name", .string), 2: ("hostPort", .int), 3: ("containerPort", .int),
                                               4: ("protocol", .string), 5: ("hostIP", .string)])
    static let envVar = ProtobufSchema([1: ("name", .string), 2: ("value", .string)])
    static let resources = ProtobufSchema([1: ("limits", .map(.quantity)), 2: ("requests", .map(.quantity))])
    static let volumeMount = ProtobufSchema([1: ("name", .string), 2: ("readOnly", .bool), 3: ("mountPath", .string), 4: ("subPath", .string)])
    static let capabilities = ProtobufSchema([1: ("add", .repeated(.string)), 2: ("drop", .repeated(.string))])
    static let securityContext = ProtobufSchema([
        1: ("capabilities", .message(capabilities)), 2: ("privileged", .bool), 4: ("runAsUser", .int), 5: ("runAsNonRoot", .bool),
        6: ("readOnlyRootFilesystem", .bool), 7: ("allowPrivilegeEscalation", .bool), 8: ("runAsGroup", .int),
    ])
    static let podSecurityContext = ProtobufSchema([2: ("runAsUser", .int), 3: ("runAsNonRoot", .bool),
                                                    4: ("supplementalGroups", .repeated(.int)), 5: ("fsGroup", .int), 6: ("runAsGroup", .int)])
    static let toleration = ProtobufSchema([1: ("key", .string), 2: ("operator", .string), 3: ("value", .string),
                                            4: ("effect", .string), 5: ("tolerationSeconds", .int)])
    static let keyToPath = ProtobufSchema([1: ("key", .string), 2: ("path", .string), 3: ("mode", .int)])
    /// The volume sources kubectl's generators and `kubectl debug` send (hostPath, emptyDir,
    /// secret, configMap); VolumeSource is inline in Volume's JSON.
    static let volumeSource = ProtobufSchema([
        1: ("hostPath", .message(ProtobufSchema([1: ("path", .string), 2: ("type", .string)]))),
        2: ("emptyDir", .message(ProtobufSchema([1: ("medium", .string), 2: ("sizeLimit", .quantity)]))),
        6: ("secret", .message(ProtobufSchema([1: ("secretName", .string), 2: ("items", .repeated(.message(keyToPath))),
                                               3: ("defaultMode", .int), 4: ("optional", .bool)]))),
        19: ("configMap", .message(ProtobufSchema([1: ("localObjectReference", .inline(localReference)),
                                                   2: ("items", .repeated(.message(keyToPath))), 3: ("defaultMode", .int),
                                                   4: ("optional", .bool)]))),
    ])
    static let volume = ProtobufSchema([1: ("name", .string), 2: ("volumeSource", .inline(volumeSource))])
    static let container = ProtobufSchema([
        1: ("name", .string), 2: ("image", .string), 3: ("command", .repeated(.string)), 4: ("args", .repeated(.string)),
        5: ("workingDir", .string), 6: ("ports", .repeated(.message(containerPort))), 7: ("env", .repeated(.message(envVar))),
        8: ("resources", .message(resources)), 9: ("volumeMounts", .repeated(.message(volumeMount))),
        13: ("terminationMessagePath", .string), 14: ("imagePullPolicy", .string), 15: ("securityContext", .message(securityContext)),
        16: ("stdin", .bool),
        17: ("stdinOnce", .bool), 18: ("tty", .bool), 20: ("terminationMessagePolicy", .string),
    ])
    static let podSpec = ProtobufSchema([
        1: ("volumes", .repeated(.message(volume))),
        2: ("containers", .repeated(.message(container))), 3: ("restartPolicy", .string),
        4: ("terminationGracePeriodSeconds", .int), 5: ("activeDeadlineSeconds", .int), 6: ("dnsPolicy", .string),
        7: ("nodeSelector", .map(.string)), 8: ("serviceAccountName", .string), 10: ("nodeName", .string),
        11: ("hostNetwork", .bool), 12: ("hostPID", .bool), 13: ("hostIPC", .bool),
        14: ("securityContext", .message(podSecurityContext)), 15: ("imagePullSecrets", .repeated(.message(localReference))),
        16: ("hostname", .string), 17: ("subdomain", .string),
        19: ("schedulerName", .string), 20: ("initContainers", .repeated(.message(container))),
        21: ("automountServiceAccountToken", .bool), 22: ("tolerations", .repeated(.message(toleration))),
        24: ("priorityClassName", .string), 25: ("priority", .int), 27: ("shareProcessNamespace", .bool),
        30: ("enableServiceLinks", .bool), 31: ("preemptionPolicy", .string),
    ])
    static let podTemplate = ProtobufSchema([1: ("metadata", .message(objectMeta)), 2: ("spec", .message(podSpec))])
    static let deploymentStrategy = ProtobufSchema([1: ("type", .string)])
    static let deploymentSpec = ProtobufSchema([
        1: ("replicas", .int), 2: ("selector", .message(labelSelector)), 3: ("template", .message(podTemplate)),
        4: ("strategy", .message(deploymentStrategy)), 5: ("minReadySeconds", .int), 6: ("revisionHistoryLimit", .int),
        9: ("progressDeadlineSeconds", .int),
    ])
    static let servicePort = ProtobufSchema([1: ("name", .string), 2: ("protocol", .string), 3: ("port", .int),
                                             4: ("targetPort", .intOrString), 5: ("nodePort", .int), 6: ("appProtocol", .string)])
    static let serviceSpec = ProtobufSchema([
        1: ("ports", .repeated(.message(servicePort))), 2: ("selector", .map(.string)), 3: ("clusterIP", .string),
        4: ("type", .string), 5: ("externalIPs", .repeated(.string)), 7: ("sessionAffinity", .string),
        10: ("externalName", .string), 17: ("ipFamilyPolicy", .string), 18: ("clusterIPs", .repeated(.string)),
        19: ("ipFamilies", .repeated(.string)),
    ])

    /// kind → (apiVersion the JSON names, schema).
    static let kinds: [String: ProtobufSchema] = [
        "Namespace": ProtobufSchema([1: ("metadata", .message(objectMeta)),
                                     2: ("spec", .message(ProtobufSchema([1: ("finalizers", .repeated(.string))])))]),
        "ConfigMap": ProtobufSchema([1: ("metadata", .message(objectMeta)), 2: ("data", .map(.string)),
                                     3: ("binaryData", .map(.bytes)), 4: ("immutable", .bool)]),
        "Secret": ProtobufSchema([1: ("metadata", .message(objectMeta)), 2: ("data", .map(.bytes)), 3: ("type", .string),
                                  4: ("stringData", .map(.string)), 5: ("immutable", .bool)]),
        "ServiceAccount": ProtobufSchema([1: ("metadata", .message(objectMeta)), 3: ("imagePullSecrets", .repeated(.message(localReference))),
                                          4: ("automountServiceAccountToken", .bool)]),
        "Service": ProtobufSchema([1: ("metadata", .message(objectMeta)), 2: ("spec", .message(serviceSpec))]),
        "Deployment": ProtobufSchema([1: ("metadata", .message(objectMeta)), 2: ("spec", .message(deploymentSpec))]),
        "Pod": ProtobufSchema([1: ("metadata", .message(objectMeta)), 2: ("spec", .message(podSpec))]),
    ].merging(rbacKinds) { first, _ in first }

    enum Outcome {
        case notProtobuf
        case decoded(JSONValue)
        case unsupported(String)
    }

    /// A protobuf body as the JSON object it stands for.
    static func decode(_ body: [UInt8]) -> Outcome {
        guard let envelope = ProtobufWire.envelope(body) else { return .notProtobuf }
        guard let schema = kinds[envelope.kind] else { return .unsupported(envelope.kind.isEmpty ? "(no kind)" : envelope.kind) }
        var object = JSONObject()
        object["apiVersion"] = .string(envelope.apiVersion)
        object["kind"] = .string(envelope.kind)
        for (key, value) in schema.decode(envelope.raw).objectValue ?? JSONObject() { object[key] = value }
        return .decoded(.object(object))
    }
}
