@testable import AKSNetCLI
import Testing

/// `kubectl aksnet inspect`'s parsing: node/NAME targets, exclusive flags, bounds, and the
/// `kubectl-aksnet-inspect` name (install.sh links it) dispatching to it.
@Suite struct InspectCommandTests {
    @Test(arguments: [("node/aks-np-0", "aks-np-0"), ("nodes/a.b-c", "a.b-c")])
    func nodeTargets(target: String, name: String) {
        #expect(InspectCommand.nodeName(target) == name)
    }

    @Test(arguments: ["aks-np-0", "node/", "node/Upper", "node/a_b", "node/a b", "pod/x", "node/ａ", "node/" + String(repeating: "a", count: 254)])
    func notNodeTargets(target: String) {
        #expect(InspectCommand.nodeName(target) == nil)
    }

    @Test func theMultiCallNameRunsInspect() {
        #expect(Entry.check(["/usr/local/bin/kubectl-aksnet-inspect", "--from", "b.tar.gz", "-o", "json"]) == nil)
        let usage = Entry.check(["/usr/local/bin/kubectl-aksnet-inspect", "--concurrency", "0"])
        #expect(usage?.code == 2 && usage?.stderr == "error: --concurrency must be between 1 and 1000\n")
    }

    @Test(arguments: [
        (["inspect", "node/a", "--all-nodes"], "error: --all-nodes and node/NAME are exclusive\n"),
        (["inspect", "--from", "b", "node/a"], "error: --from analyses a bundle: it takes no node/NAME, --all-nodes or --selector\n"),
        (["inspect", "-o", "yaml"], "error: -o must be text, json, markdown or html\n"),
        (["inspect", "--output-file", ""], "error: --output-file needs a file name\n"),
        (["inspect", "--bundle", ""], "error: --bundle needs a file name, e.g. net.tar.gz\n"),
        (["inspect", "web-0"], "error: \"web-0\" is not node/NAME\n"),
    ])
    func usageErrorsAreOneLine(argv: [String], line: String) {
        let finished = Entry.check(["kubectl-aksnet"] + argv)
        #expect(finished?.code == 2 && finished?.stderr == line, "\(String(describing: finished))")
    }
}
