/// `metav1.Status`, as the API server returns it for errors and for the end of an exec.
public struct Status: Sendable, Equatable {
    public struct Cause: Sendable, Equatable {
        public var reason: String
        public var message: String
        public var field: String
    }

    public var status: String
    public var message: String
    public var reason: String
    public var code: Int
    public var detailsName: String
    public var detailsKind: String
    public var detailsGroup: String
    public var causes: [Cause]
    public var retryAfterSeconds: Int?

    public init(status: String = "Failure", message: String = "", reason: String = "", code: Int = 0,
                detailsName: String = "", detailsKind: String = "", detailsGroup: String = "",
                causes: [Cause] = [], retryAfterSeconds: Int? = nil) {
        self.status = status
        self.message = message
        self.reason = reason
        self.code = code
        self.detailsName = detailsName
        self.detailsKind = detailsKind
        self.detailsGroup = detailsGroup
        self.causes = causes
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// Reads a Status from a JSON document; nil when the document is not one.
    public init?(json: JSONValue) {
        let statusWord = json["status"]?.stringValue
        guard json["kind"]?.stringValue == "Status" || statusWord == "Success" || statusWord == "Failure" else { return nil }
        status = json["status"]?.stringValue ?? ""
        message = json["message"]?.stringValue ?? ""
        reason = json["reason"]?.stringValue ?? ""
        code = Int(json["code"]?.intValue ?? 0)
        let details = json["details"]
        detailsName = details?["name"]?.stringValue ?? ""
        detailsKind = details?["kind"]?.stringValue ?? ""
        detailsGroup = details?["group"]?.stringValue ?? ""
        causes = (details?["causes"]?.arrayValue ?? []).map {
            Cause(reason: $0["reason"]?.stringValue ?? "", message: $0["message"]?.stringValue ?? "",
                  field: $0["field"]?.stringValue ?? "")
        }
        retryAfterSeconds = details?["retryAfterSeconds"]?.intValue.map { Int($0) }
    }

    public var json: JSONValue {
        var object = JSONObject([("kind", "Status"), ("apiVersion", "v1"), ("metadata", .object(JSONObject()))])
        object["status"] = .string(status)
        if !message.isEmpty { object["message"] = .string(message) }
        if !reason.isEmpty { object["reason"] = .string(reason) }
        var details = JSONObject()
        if !detailsName.isEmpty { details["name"] = .string(detailsName) }
        if !detailsGroup.isEmpty { details["group"] = .string(detailsGroup) }
        if !detailsKind.isEmpty { details["kind"] = .string(detailsKind) }
        if !causes.isEmpty {
            details["causes"] = .array(causes.map { cause in
                var c = JSONObject()
                if !cause.reason.isEmpty { c["reason"] = .string(cause.reason) }
                if !cause.message.isEmpty { c["message"] = .string(cause.message) }
                if !cause.field.isEmpty { c["field"] = .string(cause.field) }
                return .object(c)
            })
        }
        if let retryAfterSeconds { details["retryAfterSeconds"] = .int(Int64(retryAfterSeconds)) }
        if details.count > 0 { object["details"] = .object(details) }
        object["code"] = .int(Int64(code))
        return .object(object)
    }

    /// The reason word kubectl shows in `Error from server (Reason)`, derived
    /// from the HTTP code when the server gave none.
    public static func reasonPhrase(forCode code: Int) -> String {
        switch code {
        case 400: return "BadRequest"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 405: return "MethodNotAllowed"
        case 406: return "NotAcceptable"
        case 409: return "Conflict"
        case 410: return "Expired"
        case 413: return "RequestEntityTooLarge"
        case 415: return "UnsupportedMediaType"
        case 422: return "Invalid"
        case 429: return "TooManyRequests"
        case 500: return "InternalError"
        case 503: return "ServiceUnavailable"
        case 504: return "Timeout"
        default: return "Unknown"
        }
    }
}
