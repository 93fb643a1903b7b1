import AKSNet
import TestSupport
import KubeModel
import Testing

@Suite struct SSHCommandLineTests {
    @Test func buildsTheLocalSSHInvocation() {
        var line = SSHCommandLine(node: "aks-nodepool1-0", localPort: 40123)
        #expect(line.argv == ["ssh", "-p", "40123", "-o", "HostKeyAlias=aks-nodepool1-0", "-l", "azureuser", "127.0.0.1"])
        line.user = "root"
        line.identity = "/k/id"
        line.options = ["UserKnownHostsFile=/k/known_hosts"]
        line.command = ["sh", "-c", "exit 7"]
        #expect(line.argv == ["ssh", "-p", "40123", "-o", "HostKeyAlias=aks-nodepool1-0", "-l", "root", "-i", "/k/id",
                              "-o", "UserKnownHostsFile=/k/known_hosts", "127.0.0.1", "--", "sh -c 'exit 7'"])
        #expect(!line.argv.contains { $0.contains("StrictHostKeyChecking") })
    }

    @Test(arguments: [("ip", "ip"), ("exit 7", "'exit 7'"), ("it's", "'it'\\''s'"), ("", "''"), ("$(id)", "'$(id)'"),
                      ("a;b", "'a;b'"), ("/var/log", "/var/log")])
    func quotesEachWordForTheRemoteShell(word: String, quoted: String) throws {
        #expect(SSHCommandLine.quote(word) == quoted)
        // The remote shell gives back the word itself.
        let echoed = try Shell.run("/bin/sh", ["-c", "printf %s " + SSHCommandLine.quote(word)])
        #expect(echoed.stdout == word)
    }
}
