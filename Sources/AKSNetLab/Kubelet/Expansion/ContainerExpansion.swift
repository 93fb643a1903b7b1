/// Kubernetes' `$(VAR)` expansion (kubelet's `expansion.Expand`), applied to env values against
/// the variables defined before them and to `command`/`args` against the container's whole env:
/// `$(NAME)` becomes NAME's value; an unknown `$(NAME)` stays as written; `$$` is one `$` (so
/// `$$(NAME)` is a literal `$(NAME)`); a `$` before anything else, an unclosed `$(` and a `$` at
/// the end stay. Shell quoting means nothing here: the kubelet expands before any shell runs.
enum ContainerExpansion {
    /// Expands `input`; `lookup` gives a variable's value, nil when it is not defined.
    static func expand(_ input: String, _ lookup: (String) -> String?) -> String {
        guard input.contains("$") else { return input }
        let bytes = Array(input.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var cursor = 0
        while cursor < bytes.count {
            let byte = bytes[cursor]
            guard byte == UInt8(ascii: "$"), cursor + 1 < bytes.count else {
                out.append(byte)
                cursor += 1
                continue
            }
            let next = bytes[cursor + 1]
            if next == UInt8(ascii: "$") {
                // The escaped operator: one `$`, and what follows is not read as a reference.
                out.append(next)
                cursor += 2
            } else if next == UInt8(ascii: "("), let close = bytes[(cursor + 2)...].firstIndex(of: UInt8(ascii: ")")) {
                let name = String(decoding: bytes[(cursor + 2)..<close], as: UTF8.self)
                out += Array((lookup(name) ?? "$(\(name))").utf8)
                cursor = close + 1
            } else {
                // `$x`, or `$(` that never closes: kept as written.
                out += [byte, next]
                cursor += 2
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Expansion against an ordered list of variables (a later definition wins, as in a map built in order).
    static func expand(_ input: String, in variables: [(String, String)]) -> String {
        expand(input) { name in variables.last { $0.0 == name }?.1 }
    }
}
