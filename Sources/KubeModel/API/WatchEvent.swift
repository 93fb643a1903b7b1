/// One event of a watch stream (`{"type": "...", "object": {...}}` per line).
public struct WatchEvent: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case added = "ADDED", modified = "MODIFIED", deleted = "DELETED", bookmark = "BOOKMARK", error = "ERROR"
    }

    public var type: Kind
    public var object: JSONValue

    public init(type: Kind, object: JSONValue) {
        self.type = type
        self.object = object
    }

    public init?(json: JSONValue) {
        guard let typeName = json["type"]?.stringValue, let kind = Kind(rawValue: typeName),
              let object = json["object"] else { return nil }
        self.init(type: kind, object: object)
    }

    /// `metadata.resourceVersion` of the event's object, used to resume a watch.
    public var resourceVersion: String? { object["metadata"]?["resourceVersion"]?.stringValue }
}
