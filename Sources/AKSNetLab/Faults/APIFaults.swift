import Foundation

/// The API server's faults in force (DIR/faults.json): shares of 5xx and 429 answers, added
/// latency, a bearer-token expiry and streams cut mid-way. Set by `up --break api-…` and
/// changed at run time with `kubectl-aksnet-lab fault`.
public struct APIFaults: Codable, Equatable, Sendable {
    /// A share (0…1) of requests answered with `code` (503 carries `Retry-After`, as client-go wants to retry).
    public struct ServerErrors: Codable, Equatable, Sendable {
        public var share: Double
        public var code: Int
    }

    /// A share of requests answered 429 TooManyRequests with `Retry-After: retryAfter`.
    public struct Throttling: Codable, Equatable, Sendable {
        public var share: Double
        public var retryAfter: Int
    }

    /// exec/attach/port-forward streams are cut (TCP closed, no WebSocket close frame)
    /// after the server sent `afterBytes` bytes, or `afterSeconds` after the upgrade.
    public struct StreamDrop: Codable, Equatable, Sendable {
        public var afterBytes: Int?
        public var afterSeconds: Double?
    }

    public var serverErrors: ServerErrors?
    public var throttling: Throttling?
    /// Seconds added before each answer.
    public var latency: Double?
    /// Unix time after which every bearer token of DIR/tokens gets 401 (client certificates still work).
    public var tokenExpiresAt: Double?
    public var streamDrop: StreamDrop?
    /// Dataplane faults (`--break` specs such as `missing-route:node2`) the daemon keeps applied.
    public var dataplane: [String]?
    /// Seconds a started container stays unreported in the pod's status (a kubelet whose PLEG
    /// relist is slow: exec and port-forward already work, the API still says ContainerCreating).
    public var plegLag: Double?

    public init() {}

    /// True for a dataplane `--break` spec (`missing-route[:NODE]`, `policy-drop:POD`, …).
    public static func isDataplaneSpec(_ spec: String) -> Bool {
        LabFault.scenarios.contains(spec.split(separator: ":", maxSplits: 1).first.map(String.init) ?? spec)
    }

    /// Adds a dataplane fault (once).
    public mutating func add(dataplane spec: String) {
        var list = dataplane ?? []
        if !list.contains(spec) { list.append(spec) }
        dataplane = list
    }

    /// Removes the dataplane faults named by `name`: a scenario (all of its targets) or one whole spec.
    /// False when none matched.
    public mutating func clear(dataplane name: String) -> Bool {
        let before = dataplane ?? []
        let after = before.filter { $0 != name && !$0.hasPrefix(name + ":") && $0 != name.split(separator: ":").first.map(String.init) }
        dataplane = after.isEmpty ? nil : after
        return after.count != before.count
    }

    public var isEmpty: Bool { self == APIFaults() }

    public static let names = ["api-5xx", "api-429", "api-latency", "token-expire", "stream-drop", "pleg-lag"]

    /// True for a `--break` spec that belongs to the API server (the rest are dataplane faults).
    public static func isAPISpec(_ spec: String) -> Bool {
        let name = spec.split(separator: "=", maxSplits: 1).first.map(String.init) ?? spec
        return names.contains(name)
    }

    /// Applies one spec: `api-5xx=SHARE[:CODE]`, `api-429=SHARE[:RETRY_AFTER]`, `api-latency=DURATION`,
    /// `token-expire=DURATION|now`, `stream-drop=BYTES|DURATION` (`64Ki`, `2M`, `3s`), `pleg-lag=DURATION`.
    public mutating func apply(_ spec: String, now: Double = Date().timeIntervalSince1970) throws {
        let pieces = spec.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard pieces.count == 2, !pieces[1].isEmpty else {
            throw LabError("API faults take NAME=VALUE (\(Self.names.joined(separator: ", "))), got \"\(spec)\"")
        }
        let (name, value) = (pieces[0], pieces[1])
        let parts = value.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch name {
        case "api-5xx":
            let code = parts.count > 1 ? Int(parts[1]) : 503
            guard let code, (500...599).contains(code), parts.count <= 2 else { throw LabError("api-5xx=SHARE[:CODE] needs a code in 500...599: \(spec)") }
            serverErrors = ServerErrors(share: try Self.share(parts[0], spec), code: code)
        case "api-429":
            let after = parts.count > 1 ? Int(parts[1]) : 1
            guard let after, (0...60).contains(after), parts.count <= 2 else { throw LabError("api-429=SHARE[:RETRY_AFTER] needs whole seconds in 0...60: \(spec)") }
            throttling = Throttling(share: try Self.share(parts[0], spec), retryAfter: after)
        case "api-latency":
            guard let seconds = Self.seconds(value), seconds <= 600 else { throw LabError("api-latency takes a duration such as 500ms, 3s, 1m (at most 10m): \(spec)") }
            latency = seconds
        case "token-expire":
            guard let seconds = value == "now" ? 0 : Self.seconds(value), seconds <= Self.longestWait else {
                throw LabError("token-expire takes now or a duration such as 30s (at most 24h): \(spec)")
            }
            tokenExpiresAt = now + seconds
        case "stream-drop":
            if let seconds = Self.seconds(value) {
                guard seconds <= Self.longestWait else { throw LabError("stream-drop takes a duration of at most 24h: \(spec)") }
                streamDrop = StreamDrop(afterBytes: nil, afterSeconds: seconds)
            } else if let bytes = Self.bytes(value) {
                streamDrop = StreamDrop(afterBytes: bytes, afterSeconds: nil)
            } else {
                throw LabError("stream-drop takes a byte count (1000, 64Ki, 2M; at most 2^63-1) or a duration (3s): \(spec)")
            }
        case "pleg-lag":
            guard let seconds = Self.seconds(value), seconds <= 600 else { throw LabError("pleg-lag takes a duration such as 500ms, 3s, 1m (at most 10m): \(spec)") }
            plegLag = seconds
        default:
            throw LabError("unknown API fault \"\(name)\" (one of \(Self.names.joined(separator: ", ")))")
        }
    }

    /// Removes the fault called `name` (one of `names`).
    public mutating func clear(_ name: String) throws {
        switch name {
        case "api-5xx": serverErrors = nil
        case "api-429": throttling = nil
        case "api-latency": latency = nil
        case "token-expire": tokenExpiresAt = nil
        case "stream-drop": streamDrop = nil
        case "pleg-lag": plegLag = nil
        default: throw LabError("unknown API fault \"\(name)\" (one of \(Self.names.joined(separator: ", ")))")
        }
    }

    /// One line per fault, in the form `set` takes (token expiry as the time left).
    public func describe(now: Double = Date().timeIntervalSince1970) -> [String] {
        var lines: [String] = []
        if let serverErrors { lines.append("api-5xx=\(Self.format(serverErrors.share)):\(serverErrors.code)") }
        if let throttling { lines.append("api-429=\(Self.format(throttling.share)):\(throttling.retryAfter)") }
        if let latency { lines.append("api-latency=\(Self.format(latency))s") }
        if let tokenExpiresAt {
            let left = tokenExpiresAt - now
            lines.append(left <= 0 ? "token-expire=now (bearer tokens expired)" : "token-expire=\(Int(saturating: left.rounded(.up)))s")
        }
        if let streamDrop {
            if let bytes = streamDrop.afterBytes { lines.append("stream-drop=\(bytes)") }
            if let seconds = streamDrop.afterSeconds { lines.append("stream-drop=\(Self.format(seconds))s") }
        }
        if let plegLag { lines.append("pleg-lag=\(Self.format(plegLag))s") }
        lines += dataplane ?? []
        return lines
    }

    /// The longest token-expire or stream-drop time: a lab lives for a test run, and a bound keeps
    /// `describe` and the daemon's timers far from Int's range.
    static let longestWait: Double = 24 * 3600

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(saturating: value)) : String(value)
    }

    /// A decimal in 0...1 (`0.2`, `1`): `Double(_:)` alone also takes `nan`, `-0`, `0x1p-1` and `1e-400`.
    static func share(_ text: String, _ spec: String) throws -> Double {
        guard !text.isEmpty, text.allSatisfy({ ($0.isASCII && $0.isWholeNumber) || $0 == "." }),
              let value = Double(text), (0...1).contains(value) else { throw LabError("a share is a number in 0...1: \(spec)") }
        return value
    }

    /// `500ms`, `3s`, `1.5s`, `2m`, `1h`: one number and one unit, ASCII digits, finite.
    static func seconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            let digits = text.dropLast(suffix.count)
            guard !digits.isEmpty, digits.allSatisfy({ ($0.isASCII && $0.isWholeNumber) || $0 == "." }),
                  let number = Double(digits), number.isFinite, (number * scale).isFinite else { return nil }
            return number * scale
        }
        return nil
    }

    /// `1000`, `64Ki`, `1Mi`, `2M`, `1k`.
    static func bytes(_ text: String) -> Int? {
        let units: [(String, Int)] = [("Ki", 1 << 10), ("Mi", 1 << 20), ("Gi", 1 << 30), ("k", 1000), ("K", 1000), ("M", 1_000_000), ("G", 1_000_000_000)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let number = Self.count(text.dropLast(suffix.count)) else { return nil }
            // `99999999999999Gi` passes Int's range: refused, not a trap.
            let (product, overflow) = number.multipliedReportingOverflow(by: scale)
            return overflow ? nil : product
        }
        return Self.count(Substring(text))
    }

    /// A positive whole number in ASCII digits (`Int(_:)` alone also takes a sign).
    private static func count(_ digits: Substring) -> Int? {
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isWholeNumber }), let number = Int(digits), number > 0 else { return nil }
        return number
    }
}
