import Foundation
import KubeModel

/// With `AKSNET_LAB_RECORD_ACCEPTED=DIR` in its environment, the API server writes every Pod
/// it creates to DIR as the client sent it (`<namespace>-<name>-<uuid>.json`), so a later
/// test can check each against the API schema (`kubernetes-validate --strict`).
enum AcceptedPods {
    static let environmentKey = "AKSNET_LAB_RECORD_ACCEPTED"

    static let directory: String? = {
        guard let value = ProcessInfo.processInfo.environment[environmentKey], !value.isEmpty else { return nil }
        return value
    }()

    static func record(_ request: APIRequest, _ response: APIResponse) {
        guard let directory, request.method == .POST, case .json(.created, let object) = response,
              let target = ResourcePath(request.path), target.group.isEmpty, target.plural == "pods",
              target.name == nil, target.subresource == nil,
              request.body.first(where: { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }) == UInt8(ascii: "{") else { return }
        let namespace = object["metadata"]?["namespace"]?.stringValue ?? target.namespace ?? "default"
        let name = object["metadata"]?["name"]?.stringValue ?? "unnamed"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = "\(directory)/\(namespace)-\(name)-\(UUID().uuidString.prefix(8)).json"
        _ = FileManager.default.createFile(atPath: file, contents: Data(request.body))
    }
}
