import KubeModel

/// How hard a client retries: how many times, how long in all, how long one
/// wait may be. `RetryDecision` applies it; `KubeClient.withRetry(_:)` picks it.
public struct RetryPolicy: Sendable, Equatable {
    /// Retries of an answer that carries Retry-After (the server said it did
    /// not act and when to come back). 10, as client-go.
    public var maxRetries: Int
    /// Retries we decide on our own (a lost connection, a 5xx without
    /// Retry-After): fewer, because nothing says the next try will fare better
    /// and a permanent failure should reach the user in seconds.
    public var maxBackoffRetries: Int
    public var baseDelay: Double
    public var maxDelay: Double
    /// The longest one Retry-After we wait. kube-apiserver's API Priority and
    /// Fairness and max-in-flight filters ask for 1 s (a few at most); a
    /// larger value from a proxy or a bug is clamped so that one header cannot
    /// spend the whole budget on a single wait.
    public var maxRetryAfter: Double
    /// No retry starts after this many seconds from the first attempt (and
    /// never after `--request-timeout`, when that is shorter).
    public var totalTime: Double

    public init(maxRetries: Int = 10, maxBackoffRetries: Int = 4, baseDelay: Double = 0.2, maxDelay: Double = 5,
                maxRetryAfter: Double = 10, totalTime: Double = 30) {
        self.maxRetries = maxRetries
        self.maxBackoffRetries = maxBackoffRetries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.totalTime = totalTime
    }

    /// The main path: a throttled server gets client-go's ten retries within
    /// 30 s; a dead one is reported after about 3 s of back-off (0.2+0.4+0.8+1.6).
    public static let standard = RetryPolicy()

    /// Cleanup paths (deleting helper pods, ending helper processes): a pod
    /// left behind costs more than a minute's wait, so try longer and harder.
    public static let cleanup = RetryPolicy(maxRetries: 30, maxBackoffRetries: 12, baseDelay: 0.5, maxDelay: 5,
                                            maxRetryAfter: 10, totalTime: 60)

    /// Exponential back-off for the given attempt (1 = after the first
    /// failure), times `jitter` (0.8…1.2 in use, so that clients throttled
    /// together do not come back together; 1 in tests).
    public func backoff(attempt: Int, jitter: Double = 1) -> Double {
        let exp = baseDelay * Double(1 << min(max(attempt - 1, 0), 20))
        return min(maxDelay, exp) * jitter
    }
}

/// The Retry-After header as client-go reads it: delta-seconds only. An
/// HTTP-date or garbage counts as no header (client-go does not retry on it either).
public enum RetryAfter {
    public static func seconds(_ header: String?) -> Double? {
        guard let text = header?.trimmed, !text.isEmpty, text.allSatisfy({ $0.isNumber || $0 == "." }),
              let seconds = Double(text), seconds.isFinite else { return nil }
        return seconds
    }
}
