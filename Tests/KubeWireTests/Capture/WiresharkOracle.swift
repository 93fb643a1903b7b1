import Foundation
import TestSupport

/// Runs Wireshark's own readers on files the writers produced. As root, tshark
/// warns on stderr ("Running as user root"), so the tools run as nobody with a
/// HOME that does not exist (no profile to read): then an empty stderr means the
/// file read cleanly.
enum WiresharkOracle {
    static let tshark = "/usr/bin/tshark"
    static let capinfos = "/usr/bin/capinfos"

    static var available: Bool { FileManager.default.isExecutableFile(atPath: tshark) }

    static func run(_ tool: String, _ arguments: [String]) throws -> ProcessResult {
        let environment = ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "LC_ALL": "C"]
        if geteuid() == 0 {
            return try Shell.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--", tool] + arguments,
                                 environment: environment, cwd: "/", timeout: 60)
        }
        return try Shell.run(tool, arguments, environment: environment, cwd: "/", timeout: 60)
    }

    /// A fresh directory that nobody can read (mode 0755), under the system temp dir.
    static func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("aksnet-capture-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        return path
    }

    /// Writes `bytes` to a world-readable file in `directory`, returns its path.
    static func file(_ bytes: [UInt8], name: String, in directory: String) throws -> String {
        let path = directory + "/" + name
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o644]) else {
            throw CocoaError(.fileWriteUnknown)
        }
        return path
    }

    static func remove(_ directory: String) {
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }
}
