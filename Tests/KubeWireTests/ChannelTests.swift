import KubeModel
import KubeWire
import Testing

/// Channel framing as PROTOCOLS.md records a real API server.
struct ChannelTests {
    @Test func execFraming() {
        #expect(ExecChannelCodec.stdin(Array("ls\n".utf8)) == [0, 0x6C, 0x73, 0x0A])
        #expect(ExecChannelCodec.closeStdin() == [0xFF, 0x00])
        #expect(ExecChannelCodec.resize(width: 120, height: 40) == [4] + Array(#"{"Width":120,"Height":40}"#.utf8))
        #expect(ExecChannelCodec.decode([0x01]) == nil, "the server's first, empty stdout frame")
        #expect(ExecChannelCodec.decode([0x01, 0x68, 0x69]) == .stdout([0x68, 0x69]))
        #expect(ExecChannelCodec.decode([0x02, 0x21]) == .stderr([0x21]))
        #expect(ExecChannelCodec.decode([0xFF, 0x01]) == .closed(channel: 1))
    }

    @Test func exitCodesFromChannelThree() {
        let success = Array(#"{"metadata":{},"status":"Success"}"#.utf8)
        #expect(ExecOutcome.parse(success) == .exited(0))
        let seven = Array(#"{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: command terminated with exit code 7","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"7"}]}}"#.utf8)
        #expect(ExecOutcome.parse(seven) == .exited(7))
        let missing = Array(#"{"metadata":{},"status":"Failure","message":"Internal error occurred: exec: \"nosuchcmd\": executable file not found in $PATH","reason":"InternalError","code":500}"#.utf8)
        #expect(ExecOutcome.parse(missing) == .failed(message: #"Internal error occurred: exec: "nosuchcmd": executable file not found in $PATH"#))
        #expect(ExecOutcome.parse(Array("plain text error".utf8)) == .failed(message: "plain text error"))
    }

    @Test func portForwardPreambleThenDataAndErrors() throws {
        // 8080 → 00 90 1f on channel 0 and 01 90 1f on channel 1 (PROTOCOLS.md).
        #expect(PortForwardDemux.preamble(channel: 0, port: 8080) == [0x00, 0x90, 0x1F])
        var demux = PortForwardDemux(ports: [8080, 9999])
        #expect(try demux.receive([0x00, 0x90, 0x1F]) == [])
        #expect(try demux.receive([0x01, 0x90, 0x1F]) == [.ready(portIndex: 0)])
        #expect(try demux.receive([0x00, 0x41]) == [.data(portIndex: 0, bytes: [0x41])])
        #expect(try demux.receive([0x02, 0x0F, 0x27, 0x42]) == [.data(portIndex: 1, bytes: [0x42])])
        #expect(try demux.receive([0x03, 0x0F, 0x27] + Array("connection refused".utf8)) ==
                [.ready(portIndex: 1), .error(portIndex: 1, message: "connection refused")])
        #expect(PortForwardDemux.encode(portIndex: 1, [9]) == [2, 9])
        var wrong = PortForwardDemux(ports: [80])
        #expect(throws: PortForwardError.self) { try wrong.receive([0x00, 0x90, 0x1F]) }
        #expect(throws: PortForwardError.self) { try wrong.receive([0x07, 0x50, 0x00]) }
    }
}
