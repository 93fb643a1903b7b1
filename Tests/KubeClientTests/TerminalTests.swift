import TestSupport
import Foundation
import KubeClient
import KubeModel
import Testing

/// An interactive tty exec driven through tmux: type, resize the pane, see
/// the new size, Ctrl-D to leave, and the local terminal is restored.
@Suite(.serialized) struct TerminalTests {
    @Test func ttyExecThroughTmux() throws {
        guard Tmux.available else {
            Issue.record("tmux is needed (install.sh installs it)")
            return
        }
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        _ = try fake.adminClient().create(.pods("default"), StreamTests.pod("p"))
        let kubeconfig = try fake.writeKubeconfig(user: "    client-certificate: admin.crt\n    client-key: admin.key\n")
        let tty = try TtyScenario.run("\(pluginBinary) exec --kubeconfig \(kubeconfig) -it p -- sh", scratch: fake.dir.path, tmux: Tmux("tty"))
        #expect(tty.first.contains("24 80"), "screen: \(tty.first)")
        #expect(tty.resized.contains("30 100"), "screen after resize: \(tty.resized)")
        #expect(tty.exited.contains("EXIT=0"), "screen after Ctrl-D: \(tty.exited)")
        #expect(!tty.sttyBefore.isEmpty && tty.sttyBefore == tty.sttyAfter, "the terminal was not restored")
    }
}
