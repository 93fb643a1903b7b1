import Foundation

/// Each node's kernel log (DIR/nodes/<node>/var/log/kern.log, as rsyslog keeps it on an Ubuntu
/// node). The kernel prints `nf_conntrack: table full, dropping packet` when a full table drops
/// a packet; the lab's conntrack-full fault drops with an iptables rule instead (FaultInjector),
/// so the daemon writes that line when it applies the fault, in the kernel's words.
enum NodeKernelLog {
    static func conntrackTableFull(node: String, directory: LabDirectory) {
        let path = directory.file("nodes/\(node)/var/log/kern.log")
        let uptime = (try? String(contentsOfFile: "/proc/uptime", encoding: .utf8))?.split(separator: " ").first.map(String.init) ?? "0.00"
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "MMM d HH:mm:ss"
        var stamp = formatter.string(from: Date())
        // syslog pads a one-digit day with a space: "Dec  5 18:30:00".
        if let space = stamp.firstIndex(of: " "), stamp[stamp.index(after: space)...].prefix { $0 != " " }.count == 1 {
            stamp.insert(" ", at: stamp.index(after: space))
        }
        let line = "\(stamp) \(node) kernel: [\(uptime)0000] nf_conntrack: nf_conntrack: table full, dropping packet\n"
        guard let handle = FileHandle(forWritingAtPath: path) else {
            try? line.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data(line.utf8))
    }
}
