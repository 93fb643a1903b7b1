import Foundation

/// Mount points a hostPath volume needs on this machine (e.g. `/host`): made when missing,
/// each recorded in DIR/host-mountpoints so that the kubelet's stop, or `down` after a crash,
/// removes them again (empty folders only: rmdir, deepest first).
enum HostMountPoints {
    static func file(_ directory: String) -> String { directory + "/host-mountpoints" }

    /// Makes every missing component of `path`, recording each before it is made.
    static func ensure(_ path: String, directory: String) throws {
        var missing: [String] = []
        var current = path
        while !current.isEmpty, current != "/", !FileManager.default.fileExists(atPath: current) {
            missing.insert(current, at: 0)
            current = (current as NSString).deletingLastPathComponent
        }
        guard !missing.isEmpty else { return }
        let record = missing.map { $0 + "\n" }.joined()
        if let handle = FileHandle(forWritingAtPath: file(directory)) {
            handle.seekToEndOfFile()
            handle.write(Data(record.utf8))
            try? handle.close()
        } else {
            try record.write(toFile: file(directory), atomically: true, encoding: .utf8)
        }
        for folder in missing {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        }
    }

    /// Removes the recorded folders that are empty (another lab may still use one), deepest first.
    static func removeAll(directory: String) {
        guard let text = try? String(contentsOfFile: file(directory), encoding: .utf8) else { return }
        for folder in text.split(separator: "\n").reversed() where folder.hasPrefix("/") {
            rmdir(String(folder))
        }
        try? FileManager.default.removeItem(atPath: file(directory))
    }
}
