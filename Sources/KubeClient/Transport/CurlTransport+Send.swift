import KubeModel

/// One attempt's result: an answer (any status), or a failure with the
/// outcome the retry rule needs.
enum Attempt {
    case answered(HTTPResponse)
    case failed(KubeError, AttemptOutcome)

    func get() throws(KubeError) -> HTTPResponse {
        switch self {
        case .answered(let response): return response
        case .failed(let error, _): throw error
        }
    }
}

extension CurlTransport {
    /// Sends a request and returns the answer the retry rule keeps (any
    /// status: callers turn non-2xx into errors with `KubeError.fromResponse`).
    public func send(_ request: HTTPRequest) throws(KubeError) -> HTTPResponse {
        try send(request, since: monotonicSeconds())
    }

    /// `started`: when the call began, so that a create's look-up shares its budget.
    private func send(_ request: HTTPRequest, since started: Double) throws(KubeError) -> HTTPResponse {
        let timeout = request.isStream ? nil : config.requestTimeout
        var attempt = 0
        var refreshedAfter401 = false
        while true {
            attempt += 1
            let remaining = timeout.map { $0 - (monotonicSeconds() - started) }
            let result = try perform(request, timeout: remaining, onData: nil, isCancelled: { false })
            let outcome: AttemptOutcome
            switch result {
            case .answered(let response):
                if response.status == 401, !refreshedAfter401, credentials.invalidate() {
                    // A fresh exec credential is not a retry: the server refused, it did not fail.
                    refreshedAfter401 = true
                    attempt -= 1
                    continue
                }
                outcome = .answered(status: response.status, retryAfter: RetryAfter.seconds(response.header("Retry-After")))
            case .failed(_, let failure):
                outcome = failure
            }
            let decision = RetryDecision.decide(request.safety, attempt: attempt, outcome: outcome,
                                                elapsed: monotonicSeconds() - started, policy: retry,
                                                timeout: timeout, jitter: Double.random(in: 0.8...1.2))
            switch decision {
            case .giveUp:
                return try result.get()
            case .retry(let wait):
                logRetry(request, result, wait: wait, attempt: attempt, limit: RetryDecision.limit(outcome, policy: retry))
                sleepSeconds(wait)
            case .lookUpCreated(let wait):
                sleepSeconds(wait)
                switch lookUpCreated(request, since: started) {
                case .found(let response): return response
                case .absent: continue
                case .unknown: return try result.get()
                }
            }
        }
    }

    private enum LookUp { case found(HTTPResponse), absent, unknown }

    /// After a create's answer was lost: is the object there, and is it the
    /// one we sent (same labels)? An object someone else made is not ours to
    /// return: that, or any doubt, leaves the caller with the original error.
    private func lookUpCreated(_ request: HTTPRequest, since started: Double) -> LookUp {
        guard let path = request.createdObjectPath else { return .unknown }
        if Log.enabled(6) {
            Log.write("\(request.method) \(config.server)\(request.path): the connection was lost after the request was sent; looking up \(path) before sending it again")
        }
        let found: HTTPResponse
        do {
            found = try send(HTTPRequest(path: path), since: started)
        } catch {
            return .unknown
        }
        if found.status == 404 {
            if Log.enabled(6) { Log.write("\(path) does not exist: the create did not happen, sending it again") }
            return .absent
        }
        guard found.isSuccess, Self.sameLabels(sent: request.body, found: found.body) else { return .unknown }
        if Log.enabled(6) { Log.write("\(path) exists: the create had succeeded, not sending it again") }
        return .found(found)
    }

    /// True when every label of the sent object is on the found one.
    static func sameLabels(sent: [UInt8]?, found: [UInt8]) -> Bool {
        guard let sent, let object = try? JSONValue.parse(sent), let existing = try? JSONValue.parse(found) else { return false }
        let wanted = object["metadata"]?["labels"]?.objectValue ?? JSONObject()
        let have = existing["metadata"]?["labels"]?.objectValue ?? JSONObject()
        return wanted.allSatisfy { have[$0.key] == $0.value }
    }

    /// `-v=6`: one line per retry, so request counts can be read off a log. No
    /// header is printed here, so no credential can be.
    func logRetry(_ request: HTTPRequest, _ result: Attempt, wait: Double, attempt: Int, limit: Int) {
        guard Log.enabled(6) else { return }
        let what: String
        switch result {
        case .answered(let response): what = "\(response.status) \(Self.reasonText(response.status))"
        case .failed(let error, _): what = "failed (\(error.message))"
        }
        Log.write("\(request.method) \(config.server)\(request.path) \(what): retrying in \(RetryLog.duration(wait)) (retry \(attempt)/\(limit))")
    }

    /// A streaming request (watch, logs): `onData` gets each chunk of a 2xx
    /// answer until it returns false, the server ends it, or `isCancelled`.
    /// Non-2xx answers come back whole. Not retried here: a watch resumes
    /// from where it was, which only the watch knows.
    public func stream(_ request: HTTPRequest, onData: @escaping ([UInt8]) -> Bool,
                       isCancelled: @escaping () -> Bool) throws(KubeError) -> HTTPResponse {
        try streamAttempt(request, onData: onData, isCancelled: isCancelled).get()
    }

    func streamAttempt(_ request: HTTPRequest, onData: @escaping ([UInt8]) -> Bool,
                       isCancelled: @escaping () -> Bool) throws(KubeError) -> Attempt {
        var refreshedAfter401 = false
        while true {
            let result = try perform(request, timeout: nil, onData: onData, isCancelled: isCancelled)
            if case .answered(let response) = result, response.status == 401, !refreshedAfter401, credentials.invalidate() {
                refreshedAfter401 = true
                continue
            }
            return result
        }
    }
}

/// Waits as people read them in a log: 200ms, 1s, 1.5s.
enum RetryLog {
    static func duration(_ seconds: Double) -> String {
        if seconds < 1 { return "\(Int(saturating: (seconds * 1000).rounded()))ms" }
        let tenths = (seconds * 10).rounded() / 10
        return tenths == tenths.rounded() ? "\(Int(saturating: tenths))s" : "\(tenths)s"
    }
}
