import KubeClient
import Testing

/// The retry rule as a table: which verb × answer × attempt is retried,
/// after how long, and why it gives up. Jitter is 1, so waits are exact.
struct RetryDecisionTests {
    struct Row: CustomStringConvertible, Sendable {
        var name: String
        var safety: RequestSafety
        var attempt = 1
        var outcome: AttemptOutcome
        var elapsed = 0.0
        var timeout: Double?
        var policy = RetryPolicy.standard
        var expected: RetryDecision
        var description: String { name }
    }

    static func answer(_ status: Int, _ retryAfter: Double? = nil) -> AttemptOutcome {
        .answered(status: status, retryAfter: retryAfter)
    }

    static let rows: [Row] = [
        // The server says it did not act, and when to come back: any verb.
        Row(name: "POST 429 + Retry-After", safety: .nonIdempotent, outcome: answer(429, 1), expected: .retry(after: 1)),
        Row(name: "named create 503 + Retry-After, third attempt", safety: .namedCreate, attempt: 3, outcome: answer(503, 2), expected: .retry(after: 2)),
        Row(name: "PATCH 500 + Retry-After: 0", safety: .nonIdempotent, outcome: answer(500, 0), expected: .retry(after: 0)),
        Row(name: "GET 501 + Retry-After (any 5xx that sends it)", safety: .idempotent, outcome: answer(501, 1), expected: .retry(after: 1)),
        Row(name: "Retry-After 120 is clamped to 10 s", safety: .idempotent, outcome: answer(429, 120), expected: .retry(after: 10)),
        Row(name: "10th Retry-After answer: still retried", safety: .nonIdempotent, attempt: 10, outcome: answer(429, 1), expected: .retry(after: 1)),
        Row(name: "11th Retry-After answer: gives up (10 retries, as client-go)", safety: .nonIdempotent, attempt: 11,
            outcome: answer(429, 1), expected: .giveUp(.attemptsExhausted)),
        Row(name: "a 4xx with Retry-After is final", safety: .idempotent, outcome: answer(409, 1), expected: .giveUp(.final)),
        // Without Retry-After only what is safe twice is resent, with back-off (0.2 s doubling, ≤ 5 s).
        Row(name: "POST 503 without Retry-After", safety: .namedCreate, outcome: answer(503), expected: .giveUp(.unsafeToResend)),
        Row(name: "POST 429 without Retry-After", safety: .nonIdempotent, outcome: answer(429), expected: .giveUp(.unsafeToResend)),
        Row(name: "PATCH 502 without Retry-After", safety: .nonIdempotent, outcome: answer(502), expected: .giveUp(.unsafeToResend)),
        Row(name: "GET 503, first attempt", safety: .idempotent, outcome: answer(503), expected: .retry(after: 0.2)),
        Row(name: "GET 503, third attempt", safety: .idempotent, attempt: 3, outcome: answer(503), expected: .retry(after: 0.8)),
        Row(name: "DELETE 504, fourth attempt", safety: .idempotent, attempt: 4, outcome: answer(504), expected: .retry(after: 1.6)),
        Row(name: "GET 503, fifth attempt: gives up (4 back-off retries)", safety: .idempotent, attempt: 5, outcome: answer(503),
            expected: .giveUp(.attemptsExhausted)),
        Row(name: "GET 429 without Retry-After", safety: .idempotent, outcome: answer(429), expected: .retry(after: 0.2)),
        Row(name: "GET 501 without Retry-After is final", safety: .idempotent, outcome: answer(501), expected: .giveUp(.final)),
        Row(name: "GET 404", safety: .idempotent, outcome: answer(404), expected: .giveUp(.final)),
        Row(name: "POST 201", safety: .namedCreate, outcome: answer(201), expected: .giveUp(.final)),
        // Connections.
        Row(name: "POST not sent (refused, DNS, TLS handshake)", safety: .nonIdempotent, outcome: .notSent, expected: .retry(after: 0.2)),
        Row(name: "PATCH not sent, second attempt", safety: .nonIdempotent, attempt: 2, outcome: .notSent, expected: .retry(after: 0.4)),
        Row(name: "GET lost", safety: .idempotent, outcome: .lost, expected: .retry(after: 0.2)),
        Row(name: "PUT lost", safety: .idempotent, attempt: 2, outcome: .lost, expected: .retry(after: 0.4)),
        Row(name: "named create lost: look it up", safety: .namedCreate, outcome: .lost, expected: .lookUpCreated(after: 0.2)),
        Row(name: "generateName create lost", safety: .nonIdempotent, outcome: .lost, expected: .giveUp(.unsafeToResend)),
        Row(name: "named create lost, fifth attempt", safety: .namedCreate, attempt: 5, outcome: .lost, expected: .giveUp(.attemptsExhausted)),
        Row(name: "timeout, bad certificate, cancel", safety: .idempotent, outcome: .fatal, expected: .giveUp(.final)),
        // Upgrades (exec, attach, port-forward) before the 101.
        Row(name: "upgrade 429 + Retry-After", safety: .upgrade, outcome: answer(429, 1), expected: .retry(after: 1)),
        Row(name: "upgrade lost before the 101", safety: .upgrade, outcome: .lost, expected: .retry(after: 0.2)),
        Row(name: "upgrade not sent", safety: .upgrade, outcome: .notSent, expected: .retry(after: 0.2)),
        Row(name: "upgrade 500 without Retry-After is the server's last word", safety: .upgrade, outcome: answer(500), expected: .giveUp(.final)),
        // Time: the policy's total and the request timeout bound every wait.
        Row(name: "wait would end past the 30 s total", safety: .idempotent, attempt: 5, outcome: answer(429, 1), elapsed: 29.5,
            expected: .giveUp(.outOfTime)),
        Row(name: "wait would end past --request-timeout", safety: .idempotent, outcome: answer(429, 1), elapsed: 0.5, timeout: 1,
            expected: .giveUp(.outOfTime)),
        Row(name: "wait ends within --request-timeout", safety: .idempotent, outcome: answer(429, 1), elapsed: 0.2, timeout: 5,
            expected: .retry(after: 1)),
        Row(name: "Retry-After beyond the request timeout: give up now, not sleep into it", safety: .nonIdempotent,
            outcome: answer(429, 5), timeout: 2, expected: .giveUp(.outOfTime)),
        // The cleanup budget: more attempts, longer in all, still bounded by the request timeout.
        Row(name: "cleanup: 12th back-off retry", safety: .idempotent, attempt: 12, outcome: answer(503), policy: .cleanup,
            expected: .retry(after: 5)),
        Row(name: "cleanup: 13th back-off attempt gives up", safety: .idempotent, attempt: 13, outcome: answer(503), policy: .cleanup,
            expected: .giveUp(.attemptsExhausted)),
        Row(name: "cleanup: 30th Retry-After answer at 45 s", safety: .idempotent, attempt: 30, outcome: answer(429, 1), elapsed: 45,
            policy: .cleanup, expected: .retry(after: 1)),
        Row(name: "standard: the same at 45 s is out of time", safety: .idempotent, attempt: 3, outcome: answer(429, 1), elapsed: 45,
            expected: .giveUp(.outOfTime)),
        Row(name: "cleanup: bounded by --request-timeout too", safety: .idempotent, outcome: answer(429, 1), elapsed: 2, timeout: 2.5,
            policy: .cleanup, expected: .giveUp(.outOfTime)),
    ]

    @Test(arguments: rows)
    func rule(_ row: Row) {
        let got = RetryDecision.decide(row.safety, attempt: row.attempt, outcome: row.outcome, elapsed: row.elapsed,
                                       policy: row.policy, timeout: row.timeout)
        #expect(got == row.expected, "\(row.name): \(got)")
    }

    @Test func jitterScalesBackoffButNotRetryAfter() {
        let guessed = RetryDecision.decide(.idempotent, attempt: 2, outcome: .lost, elapsed: 0, policy: .standard, jitter: 1.2)
        #expect(guessed == .retry(after: 0.4 * 1.2))
        let told = RetryDecision.decide(.idempotent, attempt: 2, outcome: .answered(status: 429, retryAfter: 1), elapsed: 0,
                                        policy: .standard, jitter: 1.2)
        #expect(told == .retry(after: 1))
    }

    @Test func safetyFollowsTheVerb() {
        for method in ["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "get"] {
            #expect(RequestSafety(method: method) == .idempotent, "\(method)")
        }
        #expect(RequestSafety(method: "POST", createsNamedObject: true) == .namedCreate)
        #expect(RequestSafety(method: "POST") == .nonIdempotent)
        #expect(RequestSafety(method: "PATCH") == .nonIdempotent)
        #expect(RequestSafety(method: "PATCH", createsNamedObject: true) == .nonIdempotent)
    }

    @Test func retryAfterIsDeltaSecondsOnly() {
        let table: [(String?, Double?)] = [
            ("1", 1), (" 2 ", 2), ("0", 0), ("1.5", 1.5), ("-1", nil), ("", nil), (nil, nil), ("soon", nil),
            ("Wed, 21 Oct 2015 07:28:00 GMT", nil),
        ]
        for (header, seconds) in table {
            #expect(RetryAfter.seconds(header) == seconds, "\(header ?? "nil")")
        }
    }

    @Test func cleanupIsHarderThanStandard() {
        let standard = RetryPolicy.standard, cleanup = RetryPolicy.cleanup
        #expect(standard.maxRetries == 10)
        #expect(cleanup.maxRetries > standard.maxRetries && cleanup.maxBackoffRetries > standard.maxBackoffRetries)
        #expect(cleanup.totalTime >= 30 && cleanup.totalTime <= 60 && cleanup.totalTime > standard.totalTime)
    }
}
