/// What one `kubectl aksnet jump` run was asked for (filled by the CLI).
public struct JumpOptions: Sendable {
    public var node: String = ""
    public var port: UInt16 = 22
    public var image: String = HelperPodOptions.defaultImage
    public var imagePullSecrets: [String] = []
    /// The HostProcess image of `--shell` on a Windows node.
    public var windowsImage: String = JumpPods.windowsShellImage
    public var deadlineSeconds: Int = 3600
    public var commandLine: String = ""
    public var createdBy: String = ""
    /// How long a new pod may take to run (image pull included).
    public var startTimeout: Double = 120
    public var quiet = false

    public init() {}

    func helperOptions(session: String) -> HelperPodOptions {
        HelperPodOptions(image: image, imagePullSecrets: imagePullSecrets, deadlineSeconds: deadlineSeconds,
                         session: session, command: "jump", commandLine: commandLine, createdBy: createdBy)
    }
}
