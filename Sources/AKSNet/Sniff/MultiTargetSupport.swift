/// Several targets need the pcapng merger (KubeWire/Capture, branch `capture`); until it is
/// merged, one target streams tcpdump's pcap straight through and several are refused.
enum MultiTargetSupport {
    static let available = false

    static func notYet(_ names: [String]) -> String {
        "several targets (\(names.joined(separator: ", "))) merge into one pcapng stream, which is not available in this build yet; "
            + "capture one target per run for now"
    }

    static func makeSink(output: CaptureOutput, names: [String], maxBytes: Int64?, count: Int?) -> any CaptureSink {
        PassthroughSink(output: output, maxBytes: maxBytes)
    }
}
