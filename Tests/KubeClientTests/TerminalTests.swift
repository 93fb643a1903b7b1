import TestSupport
import Foundation
import KubeClient
import KubeModel
import Testing

/// An interactive tty exec driven through tmux: type, resize the pane, see
/// the new size, Ctrl-D to leave, and the local terminal is restored.
@Suite(.serialized) struct TerminalTests {
    /// tmux on a socket of our own, so the user's tmux server is never touched.
    static let socket = "aksnet-test-\(getpid())"

    static func tmux(_ args: [String]) throws -> String {
        try runProcess("/usr/bin/tmux", ["-L", socket] + args, timeout: 20).stdout
    }

    static func waitFor(_ session: String, _ needle: String, timeout: Double = 10) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = ""
        while Date() < deadline {
            screen = try tmux(["capture-pane", "-p", "-t", session])
            if screen.contains(needle) { return screen }
            usleep(100_000)
        }
        return screen
    }

    @Test func ttyExecThroughTmux() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
            Issue.record("tmux is needed (install.sh installs it)")
            return
        }
        let fake = try FakeAPIServer()
        defer { fake.stop() }
        _ = try fake.adminClient().create(.pods("default"), StreamTests.pod("p"))
        let kubeconfig = try fake.writeKubeconfig(user: "    client-certificate: admin.crt\n    client-key: admin.key\n")
        let session = "aksnet-tty-\(getpid())"
        _ = try Self.tmux(["new-session", "-d", "-s", session, "-x", "80", "-y", "24", "env", "PS1=$ ", "TERM=xterm", "bash", "--norc", "--noprofile"])
        defer { _ = try? Self.tmux(["kill-server"]) }
        _ = try Self.tmux(["send-keys", "-t", session, "stty -g > \(fake.path("stty-before")); \(pluginBinary) exec --kubeconfig \(kubeconfig) -it p -- sh; echo EXIT=$?", "Enter"])
        _ = try Self.tmux(["send-keys", "-t", session, "PS1='remote> '; stty size", "Enter"])
        let first = try Self.waitFor(session, "24 80")
        #expect(first.contains("24 80"), "screen: \(first)")
        _ = try Self.tmux(["resize-window", "-t", session, "-x", "100", "-y", "30"])
        usleep(300_000)
        _ = try Self.tmux(["send-keys", "-t", session, "clear; stty size", "Enter"])
        let resized = try Self.waitFor(session, "30 100")
        #expect(resized.contains("30 100"), "screen after resize: \(resized)")
        _ = try Self.tmux(["send-keys", "-t", session, "C-d"])
        let exited = try Self.waitFor(session, "EXIT=0")
        #expect(exited.contains("EXIT=0"), "screen after Ctrl-D: \(exited)")
        _ = try Self.tmux(["send-keys", "-t", session, "stty -g > \(fake.path("stty-after"))", "Enter"])
        usleep(500_000)
        let before = try String(contentsOfFile: fake.path("stty-before"), encoding: .utf8)
        let after = try String(contentsOfFile: fake.path("stty-after"), encoding: .utf8)
        #expect(before == after, "the terminal was not restored")
    }
}
