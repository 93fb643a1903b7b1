@testable import AKSNet
import Testing

/// The collector script's framing read back: byte-exact output, stderr apart, exit codes,
/// time limits, cuts by the script and by the stream, and text that is not framing.
@Suite struct CollectorStreamTests {
    static let nonce = "0a1b2c3d4e5f6a7b"
    static let m = "@@aksnet:0a1b2c3d4e5f6a7b"

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var stream: String
        var runs: [CommandRun]
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "one run, output ending in a newline",
             stream: "\(m) begin ip-addr ip -j addr show\n[{\"ifname\":\"lo\"}]\n\n\(m) stderr ip-addr\n\n\(m) end ip-addr exit=0 ms=12 truncated=0 limit=100\n",
             runs: [CommandRun(id: "ip-addr", argv: ["ip", "-j", "addr", "show"], exitCode: 0, durationMs: 12, output: "[{\"ifname\":\"lo\"}]\n")]),
        Case(name: "output without a final newline, stderr kept apart",
             stream: "\(m) begin sysctls sysctl\nnet.ipv4.ip_forward = 0\n\(m) stderr sysctls\nsysctl: cannot stat x\n\(m) end sysctls exit=0 ms=3 truncated=0 limit=100\n",
             runs: [CommandRun(id: "sysctls", argv: ["sysctl"], exitCode: 0, durationMs: 3, output: "net.ipv4.ip_forward = 0",
                               stderr: "sysctl: cannot stat x")]),
        Case(name: "empty output; a missing binary is exit 127",
             stream: "\(m) begin ipvsadm ipvsadm -Ln --stats\n\n\(m) stderr ipvsadm\ntimeout: failed to run command 'ipvsadm': No such file or directory\n\(m) end ipvsadm exit=127 ms=1 truncated=0 limit=100\n",
             runs: [CommandRun(id: "ipvsadm", argv: ["ipvsadm", "-Ln", "--stats"], exitCode: 127, durationMs: 1, output: "",
                               stderr: "timeout: failed to run command 'ipvsadm': No such file or directory")]),
        Case(name: "timeout's 124 is a run that did not finish",
             stream: "\(m) begin conntrack-stats conntrack -S\npartial\n\n\(m) stderr conntrack-stats\n\n\(m) end conntrack-stats exit=124 ms=10000 truncated=0 limit=100\n",
             runs: [CommandRun(id: "conntrack-stats", argv: ["conntrack", "-S"], exitCode: nil, durationMs: 10000, output: "partial\n",
                               stderr: "aksnet: stopped at its time limit (timeout exit 124)")]),
        Case(name: "cut by the script at its limit: marked",
             stream: "\(m) begin iptables-save iptables-save -c\n*filter\n:INP\n\(m) stderr iptables-save\n\n\(m) end iptables-save exit=141 ms=40 truncated=1 limit=12\n",
             runs: [CommandRun(id: "iptables-save", argv: ["iptables-save", "-c"], exitCode: 141, durationMs: 40,
                               output: "*filter\n:INP\n# aksnet: output cut at 12 bytes", truncated: true)]),
        Case(name: "the stream ends inside a run: unfinished, marked",
             stream: "\(m) begin ip-link ip -j -d link show\n[]\n\n\(m) stderr ip-link\n\n\(m) end ip-link exit=0 ms=2 truncated=0 limit=100\n\(m) begin iptables-save iptables-save -c\n*nat\n-A POSTROUTING",
             runs: [CommandRun(id: "ip-link", argv: ["ip", "-j", "-d", "link", "show"], exitCode: 0, durationMs: 2, output: "[]\n"),
                    CommandRun(id: "iptables-save", argv: ["iptables-save", "-c"], exitCode: nil, durationMs: 0,
                               output: "*nat\n-A POSTROUTING\n# aksnet: output cut here: the command did not finish", truncated: true)]),
        Case(name: "the stream ends in a run's stderr",
             stream: "\(m) begin nft-ruleset nft -j list ruleset\n{}\n\(m) stderr nft-ruleset\nwarn",
             runs: [CommandRun(id: "nft-ruleset", argv: ["nft", "-j", "list", "ruleset"], exitCode: nil, durationMs: 0,
                               output: "{}\n# aksnet: output cut here: the command did not finish", stderr: "warn", truncated: true)]),
        Case(name: "a begin inside an open run closes it as unfinished",
             stream: "\(m) begin a x\nhalf\n\(m) begin b y\nok\n\(m) stderr b\n\n\(m) end b exit=0 ms=1 truncated=0 limit=100\n",
             runs: [CommandRun(id: "a", argv: ["x"], exitCode: nil, durationMs: 0, output: "half\n# aksnet: output cut here: the command did not finish", truncated: true),
                    CommandRun(id: "b", argv: ["y"], exitCode: 0, durationMs: 1, output: "ok")]),
        Case(name: "another nonce's markers are output, text outside runs ignored",
             stream: "sh: warning\n\(m) begin resolv-conf cat /etc/resolv.conf\n@@aksnet:ffff end resolv-conf exit=0\n@@aksnet:0a1b2c3d4e5f6a7bX\n\(m) stderr resolv-conf\n\n\(m) end resolv-conf exit=0 ms=1 truncated=0 limit=100\ntrailing junk\n",
             runs: [CommandRun(id: "resolv-conf", argv: ["cat", "/etc/resolv.conf"], exitCode: 0, durationMs: 1,
                               output: "@@aksnet:ffff end resolv-conf exit=0\n@@aksnet:0a1b2c3d4e5f6a7bX")]),
        Case(name: "an end for another id stays output; bad numbers are not traps",
             stream: "\(m) begin a x\n\(m) end b exit=0\n\(m) stderr a\n\n\(m) end a exit=99999999999 ms=-5 truncated=0\n",
             runs: [CommandRun(id: "a", argv: ["x"], exitCode: nil, durationMs: 0, output: "\(m) end b exit=0")]),
        Case(name: "nothing", stream: "", runs: []),
    ]

    @Test(arguments: cases)
    func parses(_ sample: Case) {
        #expect(CollectorStream.parse(sample.stream, nonce: Self.nonce) == sample.runs)
    }

    /// Any prefix of a good stream parses (a cut at any byte), every run id in order.
    @Test func everyCutParses() {
        let stream = Self.cases[5].stream
        for length in 0...stream.utf8.count {
            let runs = CollectorStream.parse(Array(stream.utf8.prefix(length)), nonce: Self.nonce)
            #expect(runs.count <= 2)
            #expect(runs.allSatisfy { $0.id == "ip-link" || $0.id == "iptables-save" })
        }
    }

    /// Random bytes never trap.
    @Test func randomBytes() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("\(Self.m) begin end stderr exit=ms=truncated=1\n x0".utf8) + [0xff, 0x00]
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...300, using: &rng)).map { _ in alphabet.randomElement(using: &rng) ?? 0 }
            _ = CollectorStream.parse(bytes, nonce: Self.nonce)
        }
    }
}
