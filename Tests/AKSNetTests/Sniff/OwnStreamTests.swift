@testable import AKSNet
import KubeModel
import KubeWire
import Testing

/// The flows that carry a node capture: learned from Node and EndpointSlice objects, left out
/// of the filter, and the loop guard that stops a capture of them.
struct OwnStreamTests {
    static let node: JSONValue = [
        "status": [
            "addresses": [["type": "Hostname", "address": "aks-1"], ["type": "InternalIP", "address": "10.224.0.4"],
                          ["type": "InternalIP", "address": "fd00::4"]],
            "daemonEndpoints": ["kubeletEndpoint": ["Port": 10250]],
        ],
    ]
    static let slice: JSONValue = [
        "endpoints": [["addresses": ["20.1.2.3"]]],
        "ports": [["name": "https", "port": 443, "protocol": "TCP"]],
    ]

    @Test func learnedFromTheClusterObjects() {
        let facts = OwnStream.node(Self.node)
        #expect(facts.ips == ["10.224.0.4", "fd00::4"] && facts.kubeletPort == 10250)
        #expect(OwnStream.node(["status": ["daemonEndpoints": ["kubeletEndpoint": ["Port": 0]]]]).kubeletPort == 10250)
        #expect(OwnStream.apiServer(slices: [Self.slice]) == [.init(ip: "20.1.2.3", port: 443)])
        let endpoints: JSONValue = ["subsets": [["addresses": [["ip": "10.224.255.4"]], "ports": [["port": 6443]]]]]
        #expect(OwnStream.apiServer(endpoints: endpoints) == [.init(ip: "10.224.255.4", port: 6443)])
    }

    @Test func leftOutOfTheFilter() {
        let own = OwnStream(nodeIPs: ["10.224.0.4"], kubeletPort: 10250, apiServer: [.init(ip: "20.1.2.3", port: 443)])
        let expression = "(host 10.224.0.4 and tcp port 10250) or (host 20.1.2.3 and tcp port 443)"
        #expect(own.expression == expression)
        #expect(own.excluded(from: []) == ["not ( \(expression) )"])
        #expect(own.excluded(from: ["icmp or port 53"]) == ["( icmp or port 53 ) and not ( \(expression) )"])
        #expect(OwnStream(nodeIPs: []).excluded(from: ["icmp"]) == ["icmp"])
        #expect(own.summary.contains("tcp port 10250 on 10.224.0.4") && own.summary.contains("20.1.2.3:443"))
        #expect(own.matches(source: "10.224.255.9", sourcePort: 40000, destination: "10.224.0.4", destinationPort: 10250))
        #expect(own.matches(source: "10.224.0.4", sourcePort: 10250, destination: "10.224.255.9", destinationPort: 40000))
        #expect(!own.matches(source: "10.224.0.4", sourcePort: 22, destination: "10.224.255.9", destinationPort: 40000))
    }

    static func tcpPacket(at nanos: UInt64, to port: UInt16, size: Int) -> CapturedPacket {
        var bytes = [UInt8](repeating: 0xAA, count: 12) + [0x08, 0x00]
        bytes += [0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6, 0, 0, 10, 224, 255, 4, 10, 224, 0, 4]
        bytes += [0xC7, 0x38, UInt8(port >> 8), UInt8(port & 0xFF)] + [UInt8](repeating: 0, count: 16)
        return CapturedPacket(timestampNanos: nanos, originalLength: UInt32(size), data: bytes)
    }

    /// Two hot seconds of mostly own-stream bytes trip it; the same volume of other traffic does not.
    @Test func loopGuardTripsOnlyOnItsOwnStream() {
        let own = OwnStream(nodeIPs: ["10.224.0.4"])
        var loop = LoopGuard(own: own)
        var busy = LoopGuard(own: own)
        var tripped: String?
        var busyTripped: String?
        for i in 0..<4000 {
            let t = UInt64(i) * 1_000_000  // 1000 packets a second, 4 s
            if tripped == nil { tripped = loop.add(linkType: 1, Self.tcpPacket(at: t, to: 10250, size: 9000)) }
            if busyTripped == nil { busyTripped = busy.add(linkType: 1, Self.tcpPacket(at: t, to: 8080, size: 9000)) }
        }
        #expect(tripped?.contains("capturing its own stream") == true, "\(String(describing: tripped))")
        #expect(busyTripped == nil)
        // A trickle of own traffic (a slow stream) never trips it.
        var slow = LoopGuard(own: own)
        for i in 0..<400 { #expect(slow.add(linkType: 1, Self.tcpPacket(at: UInt64(i) * 10_000_000, to: 10250, size: 1500)) == nil) }
    }
}
