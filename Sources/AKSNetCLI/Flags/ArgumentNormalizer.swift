/// kubectl (pflag) spellings that swift-argument-parser does not take as-is:
/// `-v=9`, `-v9` and `-n=ns` become `--v=9` and `--namespace=ns`.
public enum ArgumentNormalizer {
    public static func normalize(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var passthrough = false
        for arg in arguments {
            if passthrough || arg == "--" {
                passthrough = true
                out.append(arg)
                continue
            }
            if arg.hasPrefix("-v="), arg.count > 3 {
                out.append("--v=" + arg.dropFirst(3))
            } else if arg.hasPrefix("-v"), arg.count > 2, arg.dropFirst(2).allSatisfy(\.isNumber) {
                out.append("--v=" + arg.dropFirst(2))
            } else if arg.hasPrefix("-n="), arg.count > 3 {
                out.append("--namespace=" + arg.dropFirst(3))
            } else if arg.hasPrefix("-s="), arg.count > 3 {
                out.append("--server=" + arg.dropFirst(3))
            } else if arg.hasPrefix("-o="), arg.count > 3 {
                out.append("--output=" + arg.dropFirst(3))
            } else {
                out.append(arg)
            }
        }
        return out
    }
}
