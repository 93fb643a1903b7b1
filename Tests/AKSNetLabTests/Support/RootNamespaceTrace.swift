import Foundation
import TestSupport

/// The root namespace's links and firewall rules, as far as a lab could have made them. A used
/// machine has tables of its own (Docker, a firewall, another cluster) whose packet and byte
/// counters move with every packet, and other labs may be coming and going: so the comparison
/// drops counters and looks only at what names this lab — its ID, its prefixes, its chains, its
/// address ranges.
struct RootNamespaceTrace: Equatable {
    var links: Set<String>
    var rules: Set<String>

    static func take() throws -> RootNamespaceTrace {
        let links = try Shell.run("/usr/sbin/ip", ["-o", "link"]).stdout.split(separator: "\n").map { line in
            // "7: name@peer: <FLAGS> …": the name, not the index or state.
            String(line.split(separator: ":").dropFirst().first ?? "").trimmingCharacters(in: .whitespaces)
        }
        var rules: [String] = []
        for tool in ["/usr/sbin/iptables-save", "/usr/sbin/ip6tables-save", "/usr/sbin/iptables-legacy-save"] {
            let text = (try? Shell.run(tool, []).stdout) ?? ""
            rules += text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { "\(tool.split(separator: "/").last ?? "") \(withoutCounters($0))" }
        }
        return RootNamespaceTrace(links: Set(links), rules: Set(rules))
    }

    /// `:INPUT ACCEPT [75844:2627951514]` → `:INPUT ACCEPT`; `[5:300] -A …` (save -c) → `-A …`.
    static func withoutCounters(_ line: Substring) -> String {
        var text = String(line)
        if text.hasPrefix("["), let end = text.firstIndex(of: "]") { text = String(text[text.index(after: end)...]).trimmingCharacters(in: .whitespaces) }
        if text.hasPrefix(":"), let open = text.lastIndex(of: "["), text.hasSuffix("]") { text = String(text[..<open]).trimmingCharacters(in: .whitespaces) }
        return text
    }

    /// Names a lab uses: its namespaces and links (`aksl-<id>-…`), kube-proxy's and the
    /// ip-masq-agent's chains, and the lab's address ranges.
    static func isLabs(_ text: String, labID: String) -> Bool {
        let marks = ["aksl-", "KUBE-", "IP-MASQ-AGENT", "AKSNET", "10.224.", "10.244.", "10.0.0.", "fd12:3456:789a", "fd00:10:224"]
        return (!labID.isEmpty && text.contains(labID)) || marks.contains { text.contains($0) }
    }

    /// What is here now, naming a lab, that was not there before.
    func left(by labID: String, since before: RootNamespaceTrace) -> [String] {
        let links = self.links.subtracting(before.links).filter { Self.isLabs($0, labID: labID) }
        let rules = self.rules.subtracting(before.rules).filter { Self.isLabs($0, labID: labID) }
        return (links.sorted() + rules.sorted())
    }
}
