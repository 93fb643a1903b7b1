import KubeModel

/// A change in the store, as watchers and in-process subscribers see it.
public struct StoreEvent: Sendable {
    public enum Kind: String, Sendable { case added = "ADDED", modified = "MODIFIED", deleted = "DELETED" }

    public let kind: Kind
    public let resource: ResourceType
    /// The object after the change (for `deleted`, its last state with the deletion's resourceVersion).
    public let object: JSONValue
    /// The object before the change (nil for `added`).
    public let previous: JSONValue?
    public let resourceVersion: Int64
}

public struct ListOptions: Sendable {
    public var labelSelector: LabelSelector?
    public var fieldSelector: FieldSelector?
    public var limit: Int?
    public var continueToken: String?

    public init(labelSelector: LabelSelector? = nil, fieldSelector: FieldSelector? = nil, limit: Int? = nil,
                continueToken: String? = nil) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
    }

    func matches(_ object: JSONValue) -> Bool {
        (labelSelector?.matches(object.labels) ?? true) && (fieldSelector?.matches(object) ?? true)
    }
}

public struct ListResult: Sendable {
    public var items: [JSONValue]
    public var resourceVersion: String
    public var continueToken: String?
    public var remainingItemCount: Int?
}

/// How a PATCH body is to be applied.
public enum PatchType: String, Sendable {
    case merge = "application/merge-patch+json"
    case strategicMerge = "application/strategic-merge-patch+json"
    case json = "application/json-patch+json"
}

/// A live subscription to store events; cancel it to stop delivery.
public final class StoreSubscription: Sendable {
    let id: Int
    private let cancelAction: @Sendable (Int) -> Void

    init(id: Int, cancel: @escaping @Sendable (Int) -> Void) {
        self.id = id
        self.cancelAction = cancel
    }

    public func cancel() { cancelAction(id) }
}
