import Foundation

/// Mount points a hostPath volume needs on this machine (e.g. `/host`): made when missing and
/// shared by every lab on the machine, so they are counted in one registry,
/// /run/aksnet-lab/mountpoints (`PATH<TAB>LAB DIR` per use, under a lock). A lab's kubelet stop,
/// or `down` after a crash, drops its uses; a folder goes (rmdir, deepest first) only when no
/// other live lab uses it — removing it under another lab's pods would detach their mounts.
enum HostMountPoints {
    static let registryFolder = "/run/aksnet-lab"
    static var registry: String { registryFolder + "/mountpoints" }

    /// Makes every missing component of `path`, and records this lab's use of each component
    /// a lab made (now or before).
    static func ensure(_ path: String, directory: String) throws {
        try locked { uses in
            var chain: [String] = []
            var current = path
            while !current.isEmpty, current != "/" {
                chain.insert(current, at: 0)
                current = (current as NSString).deletingLastPathComponent
            }
            for folder in chain {
                let made = uses.contains { $0.path == folder }
                if !FileManager.default.fileExists(atPath: folder) {
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
                } else if !made {
                    continue  // the machine's own folder: never ours to remove
                }
                if !uses.contains(where: { $0.path == folder && $0.lab == directory }) {
                    uses.append((folder, directory))
                }
            }
        }
    }

    /// Drops this lab's uses (and those of labs that are gone); removes the folders nobody uses.
    static func removeAll(directory: String) {
        try? locked { uses in
            let before = Set(uses.map(\.path))
            uses.removeAll { $0.lab == directory || !alive($0.lab) }
            let unused = before.subtracting(uses.map(\.path))
            for folder in unused.sorted(by: { $0.count > $1.count }) { rmdir(folder) }
        }
    }

    /// A lab still counts while its folder exists and its daemon (if it has one) runs.
    static func alive(_ lab: String) -> Bool {
        guard FileManager.default.fileExists(atPath: lab) else { return false }
        let directory = LabDirectory(lab)
        guard FileManager.default.fileExists(atPath: directory.pidFile) else { return true }  // in-process kubelets (tests)
        return directory.runningPID != nil
    }

    // MARK: the registry

    private static func locked(_ change: (inout [(path: String, lab: String)]) throws -> Void) throws {
        try FileManager.default.createDirectory(atPath: registryFolder, withIntermediateDirectories: true)
        let fd = open(registry + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LabError("cannot open \(registry).lock: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw LabError("cannot lock \(registry).lock") }
        }
        let text = (try? String(contentsOfFile: registry, encoding: .utf8)) ?? ""
        var uses: [(path: String, lab: String)] = text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            return parts.count == 2 && parts[0].hasPrefix("/") ? (parts[0], parts[1]) : nil
        }
        try change(&uses)
        let out = uses.map { "\($0.path)\t\($0.lab)\n" }.joined()
        try out.write(toFile: registry + ".tmp", atomically: false, encoding: .utf8)
        guard rename(registry + ".tmp", registry) == 0 else { throw LabError("cannot write \(registry)") }
    }
}
