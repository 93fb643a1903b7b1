import KubeModel

/// `ip -j addr` / `ip -j -d link`: one entry per interface.
public struct IPInterface: Sendable, Equatable {
    public var index: Int?
    public var name: String
    public var mtu: Int?
    public var flags: [String]
    public var operState: String?
    public var linkType: String?
    /// `linkinfo.info_kind` (`veth`, `bridge`, `dummy`, `vxlan`…) with `-d`.
    public var kind: String?
    public var master: String?
    public var addresses: [IPAddressEntry]

    public var isUp: Bool { flags.contains("UP") || operState == "UP" || operState == "UNKNOWN" }
}

public struct IPAddressEntry: Sendable, Equatable {
    /// `inet` or `inet6`.
    public var family: String
    public var local: String
    public var prefixLength: Int?
    public var scope: String?

    public var cidr: String { prefixLength.map { "\(local)/\($0)" } ?? local }
}

/// `ip -j route show table all`: one route.
public struct IPRoute: Sendable, Equatable {
    public var destination: String
    public var gateway: String?
    public var device: String?
    public var table: String
    public var type: String?
    public var protocolName: String?
    public var scope: String?
    public var preferredSource: String?
    public var mtu: Int?
    /// The entry re-serialised compactly, for quoting as evidence.
    public var text: String
    /// 0-based position in the JSON array (evidence "line" is position + 1).
    public var position: Int
}

public struct IPRule: Sendable, Equatable {
    public var priority: Int?
    public var source: String?
    public var destination: String?
    public var table: String?
    public var text: String
    public var position: Int
}

public struct IPNeighbor: Sendable, Equatable {
    public var destination: String
    public var device: String?
    public var lladdr: String?
    public var state: [String]
}

/// Parses the JSON `ip -j` prints. Output that is not JSON (an old iproute2, an error text) gives
/// nil; entries without their key field are skipped.
public enum IPJSONParser {
    static func array(_ text: String) -> [JSONValue]? {
        let trimmed = TextScan.trimmed(text)
        guard !trimmed.isEmpty, let value = try? JSONValue.parse(trimmed) else { return nil }
        return value.arrayValue
    }

    static func int(_ value: JSONValue?) -> Int? { value?.intValue.flatMap { Int(exactly: $0) } }

    public static func interfaces(_ text: String) -> [IPInterface]? {
        guard let items = array(text) else { return nil }
        return items.compactMap { item in
            guard let name = item["ifname"]?.stringValue else { return nil }
            let addresses: [IPAddressEntry] = (item["addr_info"]?.arrayValue ?? []).compactMap { entry in
                guard let local = entry["local"]?.stringValue else { return nil }
                return IPAddressEntry(family: entry["family"]?.stringValue ?? (local.contains(":") ? "inet6" : "inet"),
                                      local: local, prefixLength: int(entry["prefixlen"]), scope: entry["scope"]?.stringValue)
            }
            return IPInterface(index: int(item["ifindex"]), name: name, mtu: int(item["mtu"]),
                               flags: item["flags"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                               operState: item["operstate"]?.stringValue, linkType: item["link_type"]?.stringValue,
                               kind: item["linkinfo"]?["info_kind"]?.stringValue, master: item["master"]?.stringValue,
                               addresses: addresses)
        }
    }

    public static func routes(_ text: String) -> [IPRoute]? {
        guard let items = array(text) else { return nil }
        return items.enumerated().compactMap { position, item in
            guard let dst = item["dst"]?.stringValue else { return nil }
            let table = item["table"]?.stringValue ?? int(item["table"]).map(String.init) ?? "main"
            var mtu: Int?
            for metric in item["metrics"]?.arrayValue ?? [] { if let m = int(metric["mtu"]) { mtu = m } }
            return IPRoute(destination: dst, gateway: item["gateway"]?.stringValue, device: item["dev"]?.stringValue, table: table,
                           type: item["type"]?.stringValue, protocolName: item["protocol"]?.stringValue,
                           scope: item["scope"]?.stringValue, preferredSource: item["prefsrc"]?.stringValue, mtu: mtu,
                           text: item.serialized(), position: position)
        }
    }

    public static func rules(_ text: String) -> [IPRule]? {
        guard let items = array(text) else { return nil }
        return items.enumerated().map { position, item in
            IPRule(priority: int(item["priority"]), source: item["src"]?.stringValue, destination: item["dst"]?.stringValue,
                   table: item["table"]?.stringValue, text: item.serialized(), position: position)
        }
    }

    public static func neighbors(_ text: String) -> [IPNeighbor]? {
        guard let items = array(text) else { return nil }
        return items.compactMap { item in
            guard let dst = item["dst"]?.stringValue else { return nil }
            return IPNeighbor(destination: dst, device: item["dev"]?.stringValue, lladdr: item["lladdr"]?.stringValue,
                              state: item["state"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        }
    }
}
