#if canImport(Glibc)
import Glibc
#endif

/// A port-forward connection's way into the pod: the API server lives in the root namespace,
/// which has no route to pods, so `ip netns exec NS socat STDIO TCP:127.0.0.1:PORT` carries it.
/// The parent keeps the pipes' other ends: `stdin` to write, `stdout`/`stderr` to read.
struct SocatRelay {
    let child: StreamChild
    let stdin: Int32
    let stdout: Int32
    let stderr: Int32

    static func start(netns: String, port: UInt16) throws -> SocatRelay {
        let argv = ["ip", "netns", "exec", netns, "socat", "-b", "262144", "STDIO", "TCP:127.0.0.1:\(port)"]
        let stdin = try StreamFD.pipe(), stdout = try StreamFD.pipe(), stderr = try StreamFD.pipe()
        defer { for fd in [stdin.read, stdout.write, stderr.write] { close(fd) } }
        do {
            let child = try StreamChild.spawn(argv, environment: ["PATH=\(StreamChild.path)"], stdin: stdin.read,
                                              stdout: stdout.write, stderr: stderr.write)
            return SocatRelay(child: child, stdin: stdin.write, stdout: stdout.read, stderr: stderr.read)
        } catch {
            for fd in [stdin.write, stdout.read, stderr.read] { close(fd) }
            throw error
        }
    }
}
