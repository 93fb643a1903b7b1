/// Every problem with a kubeconfig: one line that names the file, field or entry.
public struct KubeconfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
