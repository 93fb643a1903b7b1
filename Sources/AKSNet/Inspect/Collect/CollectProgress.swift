/// Where collection stands: `inspect: 37/120 nodes, 2 failed`.
public struct CollectProgress: Sendable, Equatable {
    public var done: Int
    public var total: Int
    public var failed: Int

    public init(done: Int, total: Int, failed: Int) {
        self.done = done
        self.total = total
        self.failed = failed
    }

    public var line: String { "inspect: \(done)/\(total) nodes, \(failed) failed" }
}
