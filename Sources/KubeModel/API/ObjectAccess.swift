/// Convenience reads of common metadata on untyped API objects.
extension JSONValue {
    public var metadataName: String? { self["metadata"]?["name"]?.stringValue }
    public var metadataNamespace: String? { self["metadata"]?["namespace"]?.stringValue }
    public var resourceVersion: String? { self["metadata"]?["resourceVersion"]?.stringValue }
    public var listContinue: String? {
        guard let token = self["metadata"]?["continue"]?.stringValue, !token.isEmpty else { return nil }
        return token
    }
    public var items: [JSONValue] { self["items"]?.arrayValue ?? [] }
}
