import ArgumentParser
import KubeClient
import KubeModel

/// `kubectl aksnet exec POD [-c C] [-i] [-t] -- COMMAND…`: kubectl exec over
/// the suite's own WebSocket client; the remote exit code is ours.
struct ExecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a command in a container (like kubectl exec, over WebSocket v5/v4).")

    @Argument(help: "The pod (POD or pod/POD).")
    var pod: String

    @Option(name: [.customShort("c"), .long], help: "Container name (default: the pod's first).")
    var container: String?

    @Flag(name: [.customShort("i"), .customLong("stdin")], help: "Pass stdin to the container.")
    var stdin = false

    @Flag(name: [.customShort("t"), .customLong("tty")], help: "Stdin is a TTY.")
    var tty = false

    @Flag(help: "Attach to the container's main process instead of running a command.")
    var attach = false

    @OptionGroup var kube: KubeFlags

    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.")
    var command: [String] = []

    func validate() throws {
        if command.isEmpty && !attach { throw ValidationError("give the command after --, e.g. exec POD -- sh") }
    }

    func run() throws {
        let client: KubeClient
        do { client = try kube.makeClient() } catch { throw CommandFailure(error.description) }
        let name = pod.hasPrefix("pod/") ? String(pod.dropFirst(4)) : pod
        var useTTY = tty
        if tty && !(stdin && Terminal.isTerminal(0)) {
            StandardStreams.writeError("Unable to use a TTY - input is not a terminal or the right kind of file\n")
            useTTY = false
        }
        let request = ExecRequest(kind: attach ? .attach : .exec, namespace: client.config.namespace, pod: name,
                                  container: container, command: command, stdin: stdin, tty: useTTY)
        var io = ExecIO(stdinFD: stdin ? 0 : nil)
        if useTTY {
            io.wakeFD = Terminal.watchWindowSize()
            io.terminalSize = { Terminal.size(of: 0) }
            Terminal.enterRaw()
        }
        let result: Result<Int32, KubeError>
        do { result = .success(try client.exec(request, io: io)) } catch { result = .failure(error) }
        if useTTY { Terminal.restore() }
        switch result {
        case .success(let code):
            if code != 0 {
                StandardStreams.writeError("command terminated with exit code \(code)\n")
                throw ExitCode(code)
            }
        case .failure(let error):
            throw CommandFailure(error.description)
        }
    }
}
