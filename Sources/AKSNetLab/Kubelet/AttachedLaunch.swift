#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Starts a `stdin: true` or `tty: true` container the way containerd does for attach: its
/// stdin stays open (a pipe, or a pty for tty), and its output is read by the lab (appended to
/// the log file, and handed to whoever is attached) instead of going straight to the file.
enum AttachedLaunch {
    static func start(_ argv: [String], tty: Bool, stdinOnce: Bool, logPath: String) throws -> (LabProcess, ContainerIO) {
        guard let program = argv.first, let path = HostCommand.resolve(program) else {
            throw LabNetworkError.commandNotFound(argv.first ?? "")
        }
        let log = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard log >= 0 else { throw LabNetworkError.commandFailed(argv: argv, status: errno, stderr: "cannot open \(logPath)") }
        if tty {
            let pty: (master: Int32, slavePath: String)
            do { pty = try StreamFD.openPTY() } catch {
                close(log)
                throw LabNetworkError.commandFailed(argv: argv, status: EIO, stderr: "\(error)")
            }
            StreamFD.setWindowSize(pty.master, width: 80, height: 24)
            switch ChildProcess.spawnClean(path: path, argv: argv, environment: nil, stdio: (-1, -1, -1), ttyPath: pty.slavePath) {
            case .failure(let error):
                close(pty.master)
                close(log)
                throw LabNetworkError.commandFailed(argv: argv, status: error.code, stderr: "posix_spawn: \(String(cString: strerror(error.code)))")
            case .success(let pid):
                // The master both reads the output and takes the input: the reader gets its own copy.
                let reading = dup(pty.master)
                _ = fcntl(reading, F_SETFD, FD_CLOEXEC)
                let io = ContainerIO(tty: true, stdinOnce: stdinOnce, input: pty.master)
                pump(reading, channel: 1, log: log, io: io, remaining: Counter(1))
                return (LabProcess.adopt(pid: pid, argv: argv), io)
            }
        }
        let input = try ChildProcess.makePipe(), output = try ChildProcess.makePipe(), errors = try ChildProcess.makePipe()
        let pid: pid_t
        do {
            pid = try ChildProcess.spawn(path: path, argv: argv, stdin: input.read, stdout: output.write, stderr: errors.write)
        } catch {
            for fd in [input.read, input.write, output.read, output.write, errors.read, errors.write, log] { close(fd) }
            throw error
        }
        for fd in [input.read, output.write, errors.write] { close(fd) }
        let io = ContainerIO(tty: false, stdinOnce: stdinOnce, input: input.write)
        let remaining = Counter(2)
        pump(output.read, channel: 1, log: log, io: io, remaining: remaining)
        pump(errors.read, channel: 2, log: log, io: io, remaining: remaining)
        return (LabProcess.adopt(pid: pid, argv: argv), io)
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Int
        init(_ value: Int) { self.value = value }
        /// Counts one down; true for the last.
        func done() -> Bool { lock.withLock { value -= 1; return value == 0 } }
    }

    /// Reads `fd` until EOF (or EIO: the pty's last slave closed), appending to the log and
    /// publishing; the last reader to end closes the log and finishes the ContainerIO.
    private static func pump(_ fd: Int32, channel: UInt8, log: Int32, io: ContainerIO, remaining: Counter) {
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 32768)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                let chunk = Array(buffer[0..<n])
                _ = StreamFD.writeAll(log, chunk)
                io.publish(channel: channel, chunk)
            }
            close(fd)
            if remaining.done() {
                close(log)
                io.finish()
            }
        }
        thread.name = "container-output-\(channel)"
        thread.start()
    }
}
