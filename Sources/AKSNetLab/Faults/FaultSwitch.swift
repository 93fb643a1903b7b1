import Foundation
import NIOHTTP1

/// The API server's view of DIR/faults.json. Each request stats the file and re-reads it when
/// it changed (writers rename a complete file into place), so `kubectl-aksnet-lab fault set`
/// holds for the very next request. Shares are spread evenly, not drawn at random: with a
/// share of 0.5 every second request fails, so a client that retries once always gets through.
public final class FaultSwitch: @unchecked Sendable {
    /// Never faulted: probes and `up`'s readiness must keep working.
    static let exemptPaths = ["/healthz", "/livez", "/readyz"]

    let path: String?
    private let lock = NSLock()
    private var stamp: [Int] = []
    private var faults = APIFaults()
    private var errorCredit = 0.0
    private var throttleCredit = 0.0

    /// `directory` nil: no faults, ever.
    public init(directory: String?) {
        path = directory.map { $0 + "/faults.json" }
    }

    public static func file(in directory: String) -> String { directory + "/faults.json" }

    /// The faults in force now.
    public var current: APIFaults { lock.withLock { refreshLocked() } }

    /// What an injected failure answers.
    struct Failure {
        var error: APIError
        var headers: [(String, String)]
    }

    /// The decision for one plain (not upgraded) request: a delay, then maybe a failure.
    func decide(path requestPath: String) -> (delay: Double, failure: Failure?) {
        if Self.exemptPaths.contains(where: { requestPath == $0 || requestPath.hasPrefix($0 + "/") }) { return (0, nil) }
        return lock.withLock {
            let faults = refreshLocked()
            let delay = faults.latency ?? 0
            // Both credits grow on every request, so the shares add up (0.2 + 0.3: half the requests fail).
            errorCredit = min(2, errorCredit + (faults.serverErrors?.share ?? 0))
            throttleCredit = min(2, throttleCredit + (faults.throttling?.share ?? 0))
            if let errors = faults.serverErrors, errorCredit >= 1 - 1e-9 {
                errorCredit -= 1
                return (delay, Self.serverError(errors.code))
            }
            if let throttling = faults.throttling {
                if throttleCredit >= 1 - 1e-9 {
                    throttleCredit -= 1
                    return (delay, Failure(error: APIError.make(429, "TooManyRequests", "Too many requests, please try again later."),
                                           headers: [("Retry-After", String(throttling.retryAfter))]))
                }
            }
            return (delay, nil)
        }
    }

    /// Both the API handler and the upgrade hook see an exec/port-forward request; the hook decides
    /// and leaves its decision here for the handler when it declines, so a request rolls once.
    final class Pending: @unchecked Sendable {  // used on the connection's event loop only
        private var decision: (delay: Double, failure: Failure?)?
        func put(_ value: (delay: Double, failure: Failure?)) { decision = value }
        func take() -> (delay: Double, failure: Failure?)? {
            defer { decision = nil }
            return decision
        }
    }

    /// True once bearer tokens have expired.
    func tokensExpired(now: Double = Date().timeIntervalSince1970) -> Bool {
        guard let at = current.tokenExpiresAt else { return false }
        return now >= at
    }

    static func serverError(_ code: Int) -> Failure {
        switch code {
        case 503:
            return Failure(error: APIError.make(503, "ServiceUnavailable", "the server is currently unable to handle the request"),
                           headers: [("Retry-After", "1")])
        case 504:
            return Failure(error: APIError.make(504, "Timeout", "the server was unable to return a response in the time allotted, but may still be processing the request"),
                           headers: [])
        default:
            return Failure(error: APIError.make(code, "InternalError", "Internal error occurred: injected by the lab (api-5xx)"), headers: [])
        }
    }

    private func refreshLocked() -> APIFaults {
        guard let path else { return faults }
        var info = stat()
        guard stat(path, &info) == 0 else {
            if !stamp.isEmpty { reset(APIFaults(), stamp: []) }
            return faults
        }
        let now = [Int(info.st_ino), Int(info.st_size), info.st_mtim.tv_sec, info.st_mtim.tv_nsec]
        if now != stamp {
            let read = (try? Data(contentsOf: URL(fileURLWithPath: path))).flatMap { try? JSONDecoder().decode(APIFaults.self, from: $0) }
            reset(read ?? APIFaults(), stamp: now)
        }
        return faults
    }

    private func reset(_ new: APIFaults, stamp newStamp: [Int]) {
        if new.serverErrors != faults.serverErrors { errorCredit = 0 }
        if new.throttling != faults.throttling { throttleCredit = 0 }
        faults = new
        stamp = newStamp
    }
}
