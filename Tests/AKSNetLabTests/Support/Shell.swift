import Foundation

/// Runs programs for tests: collect output with a deadline, or keep one running in the background.
enum Shell {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ path: String, _ arguments: [String], stdin: String? = nil, environment: [String: String]? = nil,
                    timeout: Double = 20) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        let collector = OutputCollector()
        out.fileHandleForReading.readabilityHandler = { handle in collector.append(handle.availableData, error: false) }
        err.fileHandleForReading.readabilityHandler = { handle in collector.append(handle.availableData, error: true) }
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        process.waitUntilExit()
        out.fileHandleForReading.readabilityHandler = nil
        err.fileHandleForReading.readabilityHandler = nil
        collector.append(out.fileHandleForReading.readDataToEndOfFile(), error: false)
        collector.append(err.fileHandleForReading.readDataToEndOfFile(), error: true)
        let (stdout, stderr) = collector.text
        return Result(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    /// A process whose output is collected while it runs; `stop()` ends it (by its own PID).
    final class Background: @unchecked Sendable {
        let process = Process()
        let collector = OutputCollector()

        init(_ path: String, _ arguments: [String], environment: [String: String]? = nil) throws {
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
            if let environment { process.environment = environment }
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            process.standardInput = FileHandle.nullDevice
            let collector = self.collector
            out.fileHandleForReading.readabilityHandler = { handle in collector.append(handle.availableData, error: false) }
            err.fileHandleForReading.readabilityHandler = { handle in collector.append(handle.availableData, error: true) }
            try process.run()
        }

        var output: String { collector.text.stdout }
        var errors: String { collector.text.stderr }

        /// Waits until stdout contains `text` (true) or the timeout passes (false).
        func waitFor(_ text: String, timeout: Double = 10) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if output.contains(text) { return true }
                usleep(50_000)
            }
            return output.contains(text)
        }

        func stop() {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
    }
}

final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()

    func append(_ data: Data, error: Bool) {
        lock.withLock { if error { err.append(data) } else { out.append(data) } }
    }

    var text: (stdout: String, stderr: String) {
        lock.withLock { (String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self)) }
    }
}
