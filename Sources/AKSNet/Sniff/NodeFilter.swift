/// Node-side capture of a pod: which device to listen on and how to keep only the pod's packets.
public enum NodeFilter {
    /// `host IP` alone, or `host IP and ( USER FILTER )`.
    public static func forPod(ip: String, user: [String]) -> [String] {
        user.isEmpty ? ["host \(ip)"] : ["host \(ip) and ( " + user.joined(separator: " ") + " )"]
    }

    /// `10.244.1.5 dev cbr0 src 10.244.1.1 uid 0 \    cache` → `cbr0`.
    public static func device(fromRoute text: String) -> String? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\\" })
        guard let at = words.firstIndex(of: "dev"), words.index(after: at) < words.endIndex else { return nil }
        let device = String(words[words.index(after: at)])
        return device == "lo" ? nil : device
    }
}
