import TestSupport
import Foundation
import Testing

/// attach reaches the running main process, as kubectl users rely on it: `kubectl run -it --rm`
/// (tty, resize, Ctrl-D, pod deleted), `run -i` with stdin, and `kubectl attach` to a running
/// pod showing its output from now on (not a second copy of its command).
@Suite(.serialized) struct AttachTests {
    @Test func kubectlRunAndAttachReachTheMainProcess() throws {
        let lab = try LabCluster()
        defer { lab.down() }
        let (kubectl, kc, dir) = (lab.kubectl, lab.kubeconfig, lab.dir)
        func k(_ args: [String], stdin: String? = nil) throws -> ProcessResult { try lab.k(args, stdin: stdin) }

        let tty = try TtyScenario.run("\(kubectl) --kubeconfig \(kc) run -it --rm t --image=busybox --restart=Never -- sh",
                                      scratch: dir, tmux: Tmux("attach"))
        #expect(tty.first.contains("24 80"), "screen: \(tty.first)")
        #expect(tty.resized.contains("30 100"), "screen after resize: \(tty.resized)")
        #expect(tty.exited.contains("pod \"t\" deleted") && tty.exited.contains("EXIT=0"), "screen after Ctrl-D: \(tty.exited)")
        #expect(!tty.sttyBefore.isEmpty && tty.sttyBefore == tty.sttyAfter)

        let piped = try k(["run", "-i", "--rm", "reader", "--image=busybox", "--restart=Never", "--",
                           "sh", "-c", "read x; echo got-$x; echo err-$x >&2"], stdin: "abc\n")
        #expect(piped.status == 0 && piped.stdout.contains("got-abc"), "\(piped)")
        #expect(piped.stderr.contains("err-abc"))

        try lab.run("ticker", ["sh", "-c", "i=0; while [ $i -lt 600 ]; do echo tick-$i; i=$((i+1)); sleep 0.1; done"])
        usleep(1_500_000)
        let attach = try Background(kubectl, ["--kubeconfig", kc, "attach", "ticker"])
        defer { attach.stop() }
        #expect(attach.waitFor("tick-", timeout: 10))
        usleep(500_000)
        let numbers = attach.output.split(separator: "\n").compactMap { $0.hasPrefix("tick-") ? Int($0.dropFirst(5)) : nil }
        #expect((numbers.first ?? 0) >= 10, "attach shows the running process's output from now on, not a new copy: \(numbers.prefix(5))")
        #expect(numbers == Array((numbers.first ?? 0)..<((numbers.first ?? 0) + numbers.count)), "in order, none lost")
    }
}
