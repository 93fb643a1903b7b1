/// Where a helper's commands run: a container of a pod (an ephemeral one, or a node helper's).
public struct ExecTarget: Equatable, Sendable {
    public var namespace: String
    public var pod: String
    public var container: String
}
