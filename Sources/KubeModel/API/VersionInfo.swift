/// `version.Info`, as `/version` returns it and as kubectl prints it.
public struct VersionInfo: Sendable, Equatable {
    public var major: String
    public var minor: String
    public var gitVersion: String
    public var gitCommit: String
    public var gitTreeState: String
    public var buildDate: String
    public var goVersion: String
    public var compiler: String
    public var platform: String

    public init(major: String = "", minor: String = "", gitVersion: String = "", gitCommit: String = "",
                gitTreeState: String = "", buildDate: String = "", goVersion: String = "",
                compiler: String = "", platform: String = "") {
        self.major = major
        self.minor = minor
        self.gitVersion = gitVersion
        self.gitCommit = gitCommit
        self.gitTreeState = gitTreeState
        self.buildDate = buildDate
        self.goVersion = goVersion
        self.compiler = compiler
        self.platform = platform
    }

    public init(json: JSONValue) {
        func field(_ name: String) -> String { json[name]?.stringValue ?? "" }
        self.init(major: field("major"), minor: field("minor"), gitVersion: field("gitVersion"),
                  gitCommit: field("gitCommit"), gitTreeState: field("gitTreeState"),
                  buildDate: field("buildDate"), goVersion: field("goVersion"),
                  compiler: field("compiler"), platform: field("platform"))
    }

    public var json: JSONValue {
        var object = JSONObject()
        let fields: [(String, String)] = [
            ("major", major), ("minor", minor), ("gitVersion", gitVersion), ("gitCommit", gitCommit),
            ("gitTreeState", gitTreeState), ("buildDate", buildDate), ("goVersion", goVersion),
            ("compiler", compiler), ("platform", platform),
        ]
        for (key, value) in fields { object[key] = .string(value) }
        return .object(object)
    }
}
