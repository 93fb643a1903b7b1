import KubeModel

/// An authenticated caller: user name and groups.
public struct LabUser: Sendable, Equatable {
    public var name: String
    public var groups: [String]

    public init(name: String, groups: [String]) {
        self.name = name
        self.groups = groups
    }

    public var isAdmin: Bool { groups.contains("system:masters") }

    /// Groups as a real server reports them (every authenticated user is in system:authenticated).
    var reportedGroups: [String] { groups.contains("system:authenticated") ? groups : groups + ["system:authenticated"] }
}

/// `DIR/tokens`: one `token,user[,group;group]` per line; `#` comments.
public enum TokenFile {
    public static func parse(_ text: String) -> [String: LabUser] {
        var users: [String: LabUser] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmed
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmed }
            guard fields.count >= 2, !fields[0].isEmpty, !fields[1].isEmpty else { continue }
            let groups = fields.count > 2 ? fields[2].split(separator: ";").map { $0.trimmed }.filter { !$0.isEmpty } : []
            users[fields[0]] = LabUser(name: fields[1], groups: groups)
        }
        return users
    }
}
