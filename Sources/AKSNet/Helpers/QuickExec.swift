import KubeClient

extension KubeAPI {
    /// A short helper command (kill, ip route get): its exit code and stdout, stderr dropped;
    /// nil when the exec itself failed.
    func quickExec(namespace: String, pod: String, container: String, _ command: [String]) -> (code: Int32, stdout: String)? {
        var output: [UInt8] = []
        var io = ExecIO()
        io.stdoutSink = { output += $0; return true }
        io.stderrSink = { _ in true }
        let request = ExecRequest(namespace: namespace, pod: pod, container: container, command: command)
        guard let code = try? exec(request, io: io) else { return nil }
        return (code, String(decoding: output, as: UTF8.self))
    }
}
