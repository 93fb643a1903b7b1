import Foundation

/// Everything the lab network created, written after every change so that
/// `LabNetwork.teardown(stateFile:)` works from a fresh process after a crash.
public struct LabNetworkState: Codable, Sendable {
    public var version = 1
    public var spec: LabNetworkSpec
    /// Every namespace created (or about to be), in creation order.
    public var namespaces: [String] = []
    public var pods: [PodNetwork] = []
    public var services: [ServiceSpec] = []
    public var faults: [LabFault] = []

    public init(spec: LabNetworkSpec) { self.spec = spec }

    public static func load(from path: String) throws -> LabNetworkState {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw LabNetworkError.stateFile("cannot read \(path): \(error.localizedDescription)")
        }
        do { return try JSONDecoder().decode(LabNetworkState.self, from: data) } catch {
            throw LabNetworkError.stateFile("cannot decode \(path): \(error)")
        }
    }

    public func save(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw LabNetworkError.stateFile("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
