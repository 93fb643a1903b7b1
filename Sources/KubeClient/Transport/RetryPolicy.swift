/// Back-off for retried requests: exponential with jitter, and the server's
/// Retry-After when it gives one (bounded so a bad header cannot stall us).
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int
    public var baseDelay: Double
    public var maxDelay: Double

    public init(maxAttempts: Int = 5, baseDelay: Double = 0.2, maxDelay: Double = 5) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    public func backoff(attempt: Int) -> Double {
        let exp = baseDelay * Double(1 << min(attempt - 1, 10))
        return min(maxDelay, exp) * Double.random(in: 0.8...1.2)
    }

    public func wait(attempt: Int, retryAfter: String?) -> Double {
        if let retryAfter, let seconds = Double(retryAfter.trimmed), seconds >= 0 { return min(seconds, 30) }
        return backoff(attempt: attempt)
    }
}
