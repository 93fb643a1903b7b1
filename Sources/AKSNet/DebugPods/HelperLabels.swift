#if canImport(Glibc)
import Glibc
#endif

/// The labels and annotations every helper the suite creates carries (DESIGN.md's contract),
/// so `kubectl aksnet cleanup` finds leftovers of any command by label.
public enum HelperLabels {
    public static let managedByKey = "app.kubernetes.io/managed-by"
    public static let managedByValue = "kubectl-aksnet"
    public static let sessionKey = "aksnet.io/session"
    public static let commandKey = "aksnet.io/command"
    public static let createdByAnnotation = "aksnet.io/created-by"
    public static let commandLineAnnotation = "aksnet.io/command-line"
    /// The namespace node helpers live in, created on demand.
    public static let namespace = "aksnet-system"
    public static let podSecurityEnforce = "pod-security.kubernetes.io/enforce"

    /// `app.kubernetes.io/managed-by=kubectl-aksnet`
    public static var managedSelector: String { "\(managedByKey)=\(managedByValue)" }

    /// A short random id (8 hex digits) naming one session's helpers.
    public static func newSessionID() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = UInt32.random(in: 0...UInt32.max, using: &generator)
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// A DNS-1123 label built from parts, at most 63 characters, lowercased, no trailing dash.
    public static func dnsLabel(_ parts: [String]) -> String {
        let joined = parts.joined(separator: "-").lowercased()
        var out = String(joined.map { ($0.isLetter && $0.isASCII) || $0.isNumber && $0.isASCII ? $0 : "-" }.prefix(63))
        while out.hasSuffix("-") { out.removeLast() }
        while out.hasPrefix("-") { out.removeFirst() }
        return out.isEmpty ? "aksnet" : out
    }
}
