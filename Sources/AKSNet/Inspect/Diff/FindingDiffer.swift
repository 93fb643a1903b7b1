/// Findings that appeared or were resolved, matched by id and set of nodes.
enum FindingDiffer {
    /// A finding is the same one when its id and its set of nodes are (titles may quote numbers).
    static func key(_ finding: Finding) -> String { finding.id + "\u{0}" + Set(finding.nodes).sorted().joined(separator: "\u{0}") }

    static func diff(old: [Finding], new: [Finding]) -> (appeared: [Finding], resolved: [Finding]) {
        let oldKeys = Set(old.map(key)), newKeys = Set(new.map(key))
        return (new.filter { !oldKeys.contains(key($0)) }, old.filter { !newKeys.contains(key($0)) })
    }
}
