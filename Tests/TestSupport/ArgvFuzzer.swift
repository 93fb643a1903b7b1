/// Builds argv for a command from its flag names × hostile values × random mutations, bounded
/// in length, reproducible from a seed. The caller parses each (never runs it).
public struct ArgvFuzzer {
    /// One command: argv before the flags, its options (take a value), its switches, and valid values to mutate.
    public struct Command: Sendable {
        public let prefix: [String]
        public let options: [String]
        public let switches: [String]
        public let valid: [String]
        public let suffix: [String]
        public init(prefix: [String], options: [String], switches: [String], valid: [String], suffix: [String] = []) {
            self.prefix = prefix
            self.options = options
            self.switches = switches
            self.valid = valid
            self.suffix = suffix
        }
    }

    public var rng: SplitMix
    public init(seed: UInt64) { rng = SplitMix(state: seed) }

    public mutating func value() -> String {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return HostileValues.all.randomElement(using: &rng) ?? ""
        case 1: return HostileValues.mutate(HostileValues.all.randomElement(using: &rng) ?? "", using: &rng)
        default: return HostileValues.mutate(HostileValues.insertionsAndValid.randomElement(using: &rng) ?? "", using: &rng)
        }
    }

    /// One argv: the command's prefix, one to five flags (each `--f=v`, `--f v`, a bare switch, a
    /// mutated flag name or a stray word), then its suffix.
    public mutating func argv(for command: Command) -> [String] {
        var argv = command.prefix
        for _ in 0..<Int.random(in: 1...5, using: &rng) {
            let roll = Int.random(in: 0..<10, using: &rng)
            if roll < 6, let option = command.options.randomElement(using: &rng) {
                let v = Int.random(in: 0..<2, using: &rng) == 0 ? value() : HostileValues.mutate(command.valid.randomElement(using: &rng) ?? "", using: &rng)
                argv += option.hasPrefix("--") && roll % 2 == 0 ? ["\(option)=\(v)"] : [option, v]
            } else if roll < 8, let flag = command.switches.randomElement(using: &rng) {
                argv.append(flag)
            } else if roll == 8 {
                argv.append(HostileValues.mutate((command.options + command.switches).randomElement(using: &rng) ?? "--x", using: &rng))
            } else {
                argv.append(value())
            }
        }
        return argv + command.suffix
    }
}

extension HostileValues {
    static let insertionsAndValid: [String] = insertions + ["30s", "5m", "1h30m", "10M", "1000", "262144", "8080:80", "0.5", "64Ki", "1400"]
}
