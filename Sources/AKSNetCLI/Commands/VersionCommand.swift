import ArgumentParser
import KubeClient
import KubeModel

/// `kubectl aksnet version [--client] [-o json|yaml]`
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the client version and, unless --client, the API server's version.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case json, yaml }

    @Flag(help: "Only print the client version (no server call).")
    var client = false

    @Option(name: [.customShort("o"), .customLong("output")], help: "Output format: json or yaml.")
    var output: Format?

    @OptionGroup var kube: KubeFlags

    func run() throws {
        let clientInfo = Self.clientVersion
        var serverInfo: VersionInfo?
        var failure: KubeError?
        if !client {
            do {
                serverInfo = try kube.makeClient().version()
            } catch {
                failure = error
            }
        }
        switch output {
        case .none:
            var text = "Client Version: \(BuildInfo.version) (linux/\(BuildInfo.architecture), libcurl \(CurlVersion.string))\n"
            if let serverInfo { text += "Server Version: \(serverInfo.gitVersion) (\(serverInfo.platform))\n" }
            StandardStreams.writeOutput(text)
        case .some(let format):
            var document = JSONObject([("clientVersion", clientInfo)])
            if let serverInfo { document["serverVersion"] = serverInfo.json }
            let value = JSONValue.object(document)
            StandardStreams.writeOutput(format == .json ? value.serialized(indent: 2) + "\n" : YAMLWriter.render(value))
        }
        if let failure { throw CommandFailure(failure.description) }
    }

    static var clientVersion: JSONValue {
        [
            "gitVersion": .string(BuildInfo.version),
            "platform": .string("linux/\(BuildInfo.architecture)"),
            "libcurl": .string(CurlVersion.string),
            "compiler": "swift",
        ]
    }
}
