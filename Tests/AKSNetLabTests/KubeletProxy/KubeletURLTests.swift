import Testing
@testable import AKSNetLab

/// The kubelet's streaming URLs as kube-apiserver writes them, read back by the lab kubelet.
struct KubeletURLTests {
    @Test func execURLCarriesTheCommandAndFlags() {
        let target = KubeletURL.Target.exec(namespace: "ns", pod: "p", container: "c",
                                            command: ["sh", "-c", "echo a&b=c $(X) ü", ""],
                                            flags: .init(stdin: true, stdout: true, stderr: false, tty: true))
        let uri = KubeletURL.uri(target)
        #expect(uri == "/exec/ns/p/c?command=sh&command=-c&command=echo%20a%26b%3Dc%20%24%28X%29%20%C3%BC&command=&input=1&output=1&tty=1")
        #expect(KubeletURL.parse(uri) == target)
    }

    @Test func attachPortForwardAndLogs() {
        let targets: [KubeletURL.Target] = [
            .attach(namespace: "default", pod: "web-1", container: "main", flags: .init(stdin: false, stdout: true, stderr: true, tty: false)),
            .portForward(namespace: "default", pod: "web-1", ports: [80, 8080]),
            .logs(namespace: "kube-system", pod: "x", container: "y", follow: true, tailLines: 5, limitBytes: nil),
            .logs(namespace: "kube-system", pod: "x", container: "y", follow: false, tailLines: nil, limitBytes: 10),
        ]
        for target in targets { #expect(KubeletURL.parse(KubeletURL.uri(target)) == target, "\(KubeletURL.uri(target))") }
        #expect(KubeletURL.uri(targets[1]) == "/portForward/default/web-1?port=80&port=8080")
        #expect(KubeletURL.parse("/pods") == nil && KubeletURL.parse("/exec/ns/p") == nil)
    }
}
