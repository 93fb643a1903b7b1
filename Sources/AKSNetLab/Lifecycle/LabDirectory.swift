import Foundation

/// The files of one lab in its directory.
struct LabDirectory {
    let path: String

    init(_ path: String) {
        self.path = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL.path
    }

    func file(_ name: String) -> String { path + "/" + name }
    var config: String { file("lab.json") }
    var networkState: String { file("network.json") }
    var pidFile: String { file("lab.pid") }
    var readyFile: String { file("ready") }
    var portFile: String { file("apiserver.port") }
    var logFile: String { file("lab.log") }
    var kubeconfig: String { file("kubeconfig") }
    var pki: String { file("pki") }

    func create() throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try FileManager.default.createDirectory(atPath: pki, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// The PID of the running lab daemon, if it is alive.
    var runningPID: pid_t? {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
              let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0, kill(pid, 0) == 0 else { return nil }
        return pid
    }

    var port: Int? {
        (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    func writeAtomically(_ text: String, to file: String, mode: Int = 0o600) throws {
        let tmp = file + ".tmp"
        try text.write(toFile: tmp, atomically: false, encoding: .utf8)
        chmod(tmp, mode_t(mode))
        guard rename(tmp, file) == 0 else { throw LabError("cannot write \(file): \(String(cString: strerror(errno)))") }
    }
}

struct LabError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
