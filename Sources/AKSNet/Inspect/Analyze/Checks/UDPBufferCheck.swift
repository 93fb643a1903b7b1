/// `udp-rcvbuf-errors`: UDP datagrams dropped because a socket's receive buffer was full
/// (/proc/net/snmp Udp RcvbufErrors): DNS, telemetry or media traffic loses packets.
enum UDPBufferCheck: InspectCheck {
    static let id = "udp-rcvbuf-errors"

    static func run(_ context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        for state in context.collected {
            for proto in ["Udp", "Udp6"] {
                guard let udp = state.netSNMP[proto], let errors = udp.counters["RcvbufErrors"], errors > 0 else { continue }
                var lines = [state.line(CollectorCommands.netSNMP, udp.line.line, udp.line.text)]
                if let rmem = state.sysctl("net.core.rmem_max") { lines.append(state.line(CollectorCommands.sysctls, rmem.line, rmem.text)) }
                findings.append(Finding(
                    id: id, severity: .warning, title: "\(proto) receive buffer errors on \(state.node): \(errors) datagram(s) dropped",
                    nodes: [state.node], evidence: lines,
                    fix: "Raise net.core.rmem_max / rmem_default (custom node configuration linuxOSConfig.sysctls) and the application's SO_RCVBUF; "
                        + "find the busy UDP socket with ss -ulpnm."))
                break
            }
        }
        return findings
    }
}
