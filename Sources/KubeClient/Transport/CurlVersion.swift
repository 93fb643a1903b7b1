import CCurl

/// The linked libcurl's version, for `version` output.
public enum CurlVersion {
    public static var string: String { String(cString: ccurl_version_string()) }
}
