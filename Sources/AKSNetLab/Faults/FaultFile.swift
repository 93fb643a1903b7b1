import Foundation

/// Reads and changes DIR/faults.json. Changes hold DIR/faults.lock (flock) for the whole
/// read-modify-write, so two `fault set` at once both land; the new file is renamed into
/// place, so the server never reads half of it.
enum FaultFile {
    static func read(_ directory: LabDirectory) throws -> APIFaults {
        let path = FaultSwitch.file(in: directory.path)
        guard FileManager.default.fileExists(atPath: path) else { return APIFaults() }
        do {
            return try JSONDecoder().decode(APIFaults.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw LabError("cannot read \(path): \(error)")
        }
    }

    @discardableResult
    static func update(_ directory: LabDirectory, _ change: (inout APIFaults) throws -> Void) throws -> APIFaults {
        let lockPath = directory.file("faults.lock")
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LabError("cannot open \(lockPath): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw LabError("cannot lock \(lockPath): \(String(cString: strerror(errno)))") }
        }
        var faults = try read(directory)
        try change(&faults)
        try write(faults, to: directory)
        return faults
    }

    static func write(_ faults: APIFaults, to directory: LabDirectory) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let tmp = FaultSwitch.file(in: directory.path) + ".tmp.\(getpid())"
        try encoder.encode(faults).write(to: URL(fileURLWithPath: tmp))
        guard rename(tmp, FaultSwitch.file(in: directory.path)) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw LabError("cannot write \(FaultSwitch.file(in: directory.path)): \(reason)")
        }
    }
}
