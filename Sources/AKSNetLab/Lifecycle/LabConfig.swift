import Foundation

/// What `up` was asked for; the daemon reads it from DIR/lab.json.
struct LabConfig: Codable, Equatable {
    var labID: String
    var networkPlugin: String
    var networkPolicy: String
    var kubeProxy: String
    var ipFamily: String
    var nodePools: [Pool]
    var windowsNodes: Int
    var faults: [String]
    /// `--images`: the public images the lab serves (nil: LabImages.defaults).
    var images: [String]? = nil
    /// The private registry's password (DIR/registry/config.json holds it as a pull secret).
    var registryPassword: String? = nil

    var registry: LabRegistry {
        let served = images.map(Set.init) ?? LabImages.defaults
        return LabRegistry(images: served.union([LabRegistry.privateNetshoot]), password: registryPassword ?? "")
    }

    struct Pool: Codable, Equatable {
        var name: String
        var count: Int
    }

    /// `--nodepools nodepool1=2,userpool=1`
    static func parsePools(_ spec: String) throws -> [Pool] {
        let pools = try spec.split(separator: ",").map { item in
            let parts = item.split(separator: "=")
            // ASCII only: isLowercase and isNumber also take other scripts' letters and digits.
            guard parts.count == 2, parts[1].allSatisfy({ $0.isASCII && $0.isWholeNumber }), let count = Int(parts[1]), (1...20).contains(count),
                  parts[0].allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isWholeNumber) }), !parts[0].isEmpty, parts[0].count <= 12 else {
                throw LabError("--nodepools takes NAME=COUNT[,NAME=COUNT…] with lowercase names of up to 12 characters and counts in 1...20, got \"\(item)\"")
            }
            return Pool(name: String(parts[0]), count: count)
        }
        // The same bound as --nodes: each node is a network namespace and processes on this machine.
        let total = pools.reduce(0) { $0 + $1.count }
        guard (1...100).contains(total) else { throw LabError("--nodepools: 1 to 100 nodes in all, got \(total)") }
        return pools
    }

    static func read(_ path: String) throws -> LabConfig {
        try JSONDecoder().decode(LabConfig.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func write(_ directory: LabDirectory) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try directory.writeAtomically(String(decoding: try encoder.encode(self), as: UTF8.self), to: directory.config)
    }
}
