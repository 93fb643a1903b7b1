/// What became of one attempt, as far as retrying cares.
public enum AttemptOutcome: Sendable, Equatable {
    /// The server answered. `retryAfter` is its Retry-After in seconds (see
    /// `RetryAfter.seconds`), nil when it sent none.
    case answered(status: Int, retryAfter: Double?)
    /// The connection failed before the request left (name lookup, connect
    /// refused, TLS handshake): the server saw nothing.
    case notSent
    /// The connection broke after the request was sent, before an answer (or,
    /// for an upgrade, before the 101): the server may have acted on it.
    case lost
    /// Not worth repeating: the request timeout ran out, a certificate was
    /// rejected, the caller cancelled.
    case fatal
}

/// What sending a request twice would do, from its verb.
public enum RequestSafety: Sendable, Equatable {
    /// GET, HEAD, OPTIONS, PUT, DELETE: twice has the effect of once (a PUT
    /// carries its resourceVersion or replaces with the same body; a repeated
    /// DELETE answers 404, which delete callers already treat as done).
    case idempotent
    /// A POST that names the object it creates: after a lost answer the object
    /// is looked up by name, and the POST is sent again only if it is absent.
    case namedCreate
    /// Any other POST (generateName, subresources) and every PATCH: sent again
    /// only when the server said it did not act. client-go resends only GETs
    /// after a lost connection; we add the other idempotent verbs above.
    case nonIdempotent
    /// An exec/attach/port-forward upgrade before its 101: nothing runs until
    /// the kubelet has upgraded too, so a lost connection is retried; an error
    /// answer without Retry-After (403, 404, 500 "error dialing backend") is
    /// the server's last word and goes to the user at once.
    case upgrade

    public init(method: String, createsNamedObject: Bool = false) {
        switch method.uppercased() {
        case "GET", "HEAD", "OPTIONS", "PUT", "DELETE": self = .idempotent
        case "POST" where createsNamedObject: self = .namedCreate
        default: self = .nonIdempotent
        }
    }
}

/// The retry rule, as a pure function of the attempt so far (table-tested in
/// RetryDecisionTests). Any verb is retried on an answer that carries
/// Retry-After (429, or a 5xx that sends it): the server says it did not act,
/// so even a create is safe to resend (client-go does the same, 10 times).
/// Failures before sending are safe for any verb. After a lost answer only
/// idempotent verbs are resent; a named create is looked up first; others
/// give up. No retry starts past the policy's total time or the request
/// timeout.
public enum RetryDecision: Sendable, Equatable {
    case retry(after: Double)
    /// GET the object the create names (after the wait): present → that is
    /// the answer; 404 → send the create again.
    case lookUpCreated(after: Double)
    case giveUp(GiveUp)

    public enum GiveUp: Sendable, Equatable {
        /// A success, or an answer or failure that repeating cannot change.
        case final
        /// The server may have acted, and sending again could do it twice.
        case unsafeToResend
        case attemptsExhausted
        /// The wait would end past the policy's total time or the request timeout.
        case outOfTime
    }

    /// 5xx answers worth a guess without Retry-After: the transient ones.
    static let transientServerErrors: Set<Int> = [500, 502, 503, 504]

    /// - Parameters:
    ///   - attempt: attempts made so far, this one included (1 after the first).
    ///   - elapsed: seconds since the first attempt started.
    ///   - timeout: the request timeout (`--request-timeout`), when one is set.
    ///   - jitter: factor on back-off waits (0.8…1.2 in use, 1 in tests).
    public static func decide(_ safety: RequestSafety, attempt: Int, outcome: AttemptOutcome, elapsed: Double,
                              policy: RetryPolicy, timeout: Double? = nil, jitter: Double = 1) -> RetryDecision {
        let backoff = policy.backoff(attempt: attempt, jitter: jitter)
        var lookUp = false
        let wait: Double
        switch outcome {
        case .fatal:
            return .giveUp(.final)
        case .answered(let status, let retryAfter?) where status == 429 || status >= 500:
            wait = min(max(retryAfter, 0), policy.maxRetryAfter)
        case .answered(let status, nil) where status == 429 || transientServerErrors.contains(status):
            guard safety == .idempotent else { return .giveUp(safety == .upgrade ? .final : .unsafeToResend) }
            wait = backoff
        case .answered:
            return .giveUp(.final)
        case .notSent:
            wait = backoff
        case .lost:
            switch safety {
            case .idempotent, .upgrade: break
            case .namedCreate: lookUp = true
            case .nonIdempotent: return .giveUp(.unsafeToResend)
            }
            wait = backoff
        }
        guard attempt <= limit(outcome, policy: policy) else { return .giveUp(.attemptsExhausted) }
        let deadline = min(policy.totalTime, timeout ?? .infinity)
        guard elapsed + wait < deadline else { return .giveUp(.outOfTime) }
        return lookUp ? .lookUpCreated(after: wait) : .retry(after: wait)
    }

    /// How many retries an outcome allows: the server's word earns more than our guess.
    public static func limit(_ outcome: AttemptOutcome, policy: RetryPolicy) -> Int {
        if case .answered(_, .some) = outcome { return policy.maxRetries }
        return policy.maxBackoffRetries
    }
}
