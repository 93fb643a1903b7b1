/// The client's version, stamped by install.sh (AKSNET_VERSION / git) at build time through -D flags is
/// not possible for strings, so it lives here and the release tag updates it.
public enum BuildInfo {
    public static let version = "v0.1.0"
    #if arch(x86_64)
    public static let architecture = "amd64"
    #elseif arch(arm64)
    public static let architecture = "arm64"
    #else
    public static let architecture = "unknown"
    #endif
}
