/// Go-style durations (`300ms`, `30s`, `5m`, `1h30m`), as kubectl's flags take them.
public enum Durations {
    /// Go's longest duration (2^63-1 ns, about 292 years), in whole seconds. Nothing a flag
    /// means is longer, and anything below it converts to Int (and back to Go) without a trap.
    public static let maxSeconds: Double = 9_223_372_036

    private static let units: [(String, Double)] = [("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600)]

    /// Seconds in 0...maxSeconds, or nil for anything else: no sign, ASCII digits only
    /// (`Character.isNumber` would let other scripts' digits and `½` in), a unit after every
    /// number, no spaces, nothing non-finite or longer than Go's longest duration.
    public static func parse(_ text: String) -> Double? {
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { ($0.isASCII && $0.isWholeNumber) || $0 == "." }
            guard !number.isEmpty, let value = Double(number), value.isFinite else { return nil }
            rest = rest.dropFirst(number.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.0) && !(($0.0 == "m") && rest.hasPrefix("ms")) }) else { return nil }
            rest = rest.dropFirst(unit.0.count)
            total += value * unit.1
            guard total.isFinite, total <= maxSeconds else { return nil }
        }
        return total
    }

    /// Whole seconds of `seconds`, clamped to 0...maxSeconds (NaN is 0), so callers can add a
    /// margin to it and hand it to an Int API without the trap `Int(Double)` has out of range.
    public static func wholeSeconds(_ seconds: Double) -> Int {
        Int(saturating: min(max(seconds, 0), maxSeconds))
    }

    /// Renders seconds the way kubectl shows ages: 5s, 3m, 2h, 4d. Negative, NaN and absurd
    /// ages (a clock far off) render as what they clamp to rather than trapping.
    public static func shortAge(_ seconds: Double) -> String {
        let s = wholeSeconds(seconds)
        if s < 120 { return "\(s)s" }
        if s < 7200 { return "\(s / 60)m" }
        if s < 172800 { return "\(s / 3600)h" }
        return "\(s / 86400)d"
    }
}

extension Int {
    /// `Int(value)` without its trap: NaN is 0, values beyond Int's range are Int.min or
    /// Int.max, the rest round toward zero as `Int(_:)` does.
    public init(saturating value: Double) {
        if value.isNaN {
            self = 0
        } else if value >= Double(Int.max) {
            // Double(Int.max) is 2^63, itself out of range: everything from it on saturates.
            self = .max
        } else if value < Double(Int.min) {
            self = .min
        } else {
            self = Int(value)
        }
    }
}
