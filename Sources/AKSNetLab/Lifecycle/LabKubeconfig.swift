import Foundation
import KubeModel

/// DIR/kubeconfig: the admin (client certificate), a token user and the
/// viewer, each with a context; written 0600.
enum LabKubeconfig {
    static func write(_ directory: LabDirectory, port: Int, token: String) throws {
        func data(_ name: String) throws -> String {
            Base64.encode(Array(try Data(contentsOf: URL(fileURLWithPath: directory.pki + "/" + name))))
        }
        let server = "https://127.0.0.1:\(port)"
        let text = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: aksnet-lab
              cluster:
                server: \(server)
                certificate-authority-data: \(try data("ca.crt"))
            users:
            - name: aksnet-lab-admin
              user:
                client-certificate-data: \(try data("admin.crt"))
                client-key-data: \(try data("admin.key"))
            - name: aksnet-lab-token
              user:
                token: \(token)
            - name: viewer
              user:
                client-certificate-data: \(try data("viewer.crt"))
                client-key-data: \(try data("viewer.key"))
            contexts:
            - name: aksnet-lab
              context: {cluster: aksnet-lab, user: aksnet-lab-admin, namespace: default}
            - name: aksnet-lab-token
              context: {cluster: aksnet-lab, user: aksnet-lab-token, namespace: default}
            - name: aksnet-lab-viewer
              context: {cluster: aksnet-lab, user: viewer, namespace: default}
            current-context: aksnet-lab

            """
        try directory.writeAtomically(text, to: directory.kubeconfig)
    }
}
