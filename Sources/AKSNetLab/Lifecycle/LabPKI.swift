import Foundation

/// The lab's certificates, made with the openssl CLI: a CA, the API
/// server's certificate (127.0.0.1, localhost, ::1), and client
/// certificates for the admin and viewer users.
enum LabPKI {
    static func create(in dir: String) throws {
        let files = ["ca.crt", "server.crt", "admin.crt", "viewer.crt"]
        if files.allSatisfy({ FileManager.default.fileExists(atPath: dir + "/" + $0) }) { return }
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-keyout", dir + "/ca.key", "-out", dir + "/ca.crt", "-days", "3650", "-subj", "/CN=aksnet-lab-ca",
                     "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        try leaf(dir, "server", subject: "/CN=kube-apiserver",
                 extensions: "subjectAltName=DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature")
        try leaf(dir, "admin", subject: "/O=system:masters/CN=admin",
                 extensions: "extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature")
        try leaf(dir, "viewer", subject: "/CN=viewer",
                 extensions: "extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature")
        for key in ["ca.key", "server.key", "admin.key", "viewer.key"] { chmod(dir + "/" + key, 0o600) }
    }

    private static func leaf(_ dir: String, _ name: String, subject: String, extensions: String) throws {
        let ext = dir + "/\(name).ext"
        try extensions.write(toFile: ext, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: ext) }
        try openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-keyout", dir + "/\(name).key", "-out", dir + "/\(name).csr", "-subj", subject])
        try openssl(["x509", "-req", "-in", dir + "/\(name).csr", "-CA", dir + "/ca.crt", "-CAkey", dir + "/ca.key",
                     "-CAcreateserial", "-out", dir + "/\(name).crt", "-days", "3650", "-extfile", ext])
        try? FileManager.default.removeItem(atPath: dir + "/\(name).csr")
    }

    private static func openssl(_ arguments: [String]) throws {
        let result = try HostCommand.run(["openssl"] + arguments)
        guard result.status == 0 else { throw LabError("openssl \(arguments.first ?? "") failed: \(result.stderr)") }
    }
}
