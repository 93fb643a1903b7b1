import KubeClient
import KubeModel

/// The node helper every command that works on a node stands on: sniff's node mode, jump's
/// `--shell`, inspect's collectors. One per node and command; `--keep` leaves it for the next run.
extension HelperSession {
    /// A running node helper on `node`: one an earlier `--keep` run of the same `command` left
    /// there, Running with this session's image (adopted: this session deletes it unless kept
    /// again), else a new one, created in `aksnet-system` and used once its container runs (`waitServing`:
    /// the kubelet upgrades an exec, or the status says Running), within `timeout` seconds.
    /// `command` is the helper's `aksnet.io/command` label and name part (nil: the session's own).
    public func acquireNodeHelper(on node: String, command: String? = nil, timeout: Double,
                                  log: (String) -> Void = { _ in }) throws(SessionError) -> ExecTarget {
        var podOptions = options
        if let command { podOptions.command = command }
        let namespace = HelperLabels.namespace
        let say = podOptions.command + ": node/" + node + ": "
        try ensureHelperNamespaceOnce()
        if let kept = keptNodeHelper(on: node, command: podOptions.command, image: podOptions.image) {
            log(say + "reusing helper \(namespace)/\(kept)")
            adopt(namespace: namespace, name: kept)
            return ExecTarget(namespace: namespace, pod: kept, container: HelperNames.nodeContainer)
        }
        let name = HelperNames.nodeHelperPod(command: podOptions.command, node: node, session: podOptions.session)
        _ = try createPod(DebugPods.nodeHelper(name: name, node: node, options: podOptions))
        log(say + "waiting for helper \(namespace)/\(name)")
        try waitServing(namespace: namespace, pod: name, container: HelperNames.nodeContainer, ephemeral: false, timeout: timeout)
        return ExecTarget(namespace: namespace, pod: name, container: HelperNames.nodeContainer)
    }

    /// The name of a reusable kept helper: ours, of this command, on this node, Running, not
    /// being deleted, same image (a different `--image` asks for a different helper). Best effort:
    /// a list that fails means a new helper.
    func keptNodeHelper(on node: String, command: String, image: String) -> String? {
        let selector = HelperLabels.managedSelector + ",\(HelperLabels.commandKey)=\(command)"
        guard let pods = try? client.list(.pods(HelperLabels.namespace), labelSelector: selector).items else { return nil }
        let kept = pods.first { pod in
            pod["spec"]?["nodeName"]?.stringValue == node && pod["status"]?["phase"]?.stringValue == "Running"
                && (pod["metadata"]?["deletionTimestamp"] ?? .null) == .null
                && pod["spec"]?["containers"]?.arrayValue?.first?["image"]?.stringValue == image
        }
        return kept?.metadataName
    }
}
