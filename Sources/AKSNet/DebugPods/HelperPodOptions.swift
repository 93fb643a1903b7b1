import KubeModel

/// What every helper a session creates shares: image, pull secrets, deadline and who made it.
public struct HelperPodOptions: Sendable, Equatable {
    public static let defaultImage = "nicolaka/netshoot"

    public var image: String
    public var imagePullSecrets: [String]
    /// `activeDeadlineSeconds` of helper pods; also how long the helper's process sleeps.
    public var deadlineSeconds: Int
    public var session: String
    /// `sniff`, `jump`, `inspect`: the `aksnet.io/command` label.
    public var command: String
    /// The command line as the user typed it (annotation; never holds a token).
    public var commandLine: String
    public var createdBy: String

    public init(image: String = HelperPodOptions.defaultImage, imagePullSecrets: [String] = [], deadlineSeconds: Int = 3600,
                session: String, command: String, commandLine: String = "", createdBy: String = "") {
        self.image = image
        self.imagePullSecrets = imagePullSecrets
        self.deadlineSeconds = deadlineSeconds
        self.session = session
        self.command = command
        self.commandLine = commandLine
        self.createdBy = createdBy
    }

    var labels: JSONValue {
        [HelperLabels.managedByKey: .string(HelperLabels.managedByValue),
         HelperLabels.sessionKey: .string(session),
         HelperLabels.commandKey: .string(command)]
    }

    var annotations: JSONValue {
        var out = JSONObject()
        if !createdBy.isEmpty { out[HelperLabels.createdByAnnotation] = .string(createdBy) }
        if !commandLine.isEmpty { out[HelperLabels.commandLineAnnotation] = .string(commandLine) }
        return .object(out)
    }
}
