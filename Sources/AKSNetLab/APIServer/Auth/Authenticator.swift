import Foundation
import NIOHTTP1

/// Client certificate (CN → user, O → groups), else a bearer token from `DIR/tokens`; then
/// impersonation headers, which only `system:masters` may use.
struct Authenticator: Sendable {
    let tokensPath: String
    /// `token-expire`: bearer tokens get 401 once it has passed.
    var faults: FaultSwitch?

    func authenticate(_ headers: HTTPHeaders, certificateDER: [UInt8]?) throws -> LabUser {
        var user: LabUser?
        if let der = certificateDER, let subject = CertificateSubject.parse(der: der), !subject.commonName.isEmpty {
            user = LabUser(name: subject.commonName, groups: subject.organizations)
        }
        if user == nil, let authorization = headers["Authorization"].first {
            let words = authorization.split(separator: " ", maxSplits: 1).map(String.init)
            if words.count == 2, words[0].lowercased() == "bearer" {
                let tokens = TokenFile.parse((try? String(contentsOfFile: tokensPath, encoding: .utf8)) ?? "")
                user = faults?.tokensExpired() == true ? nil : tokens[words[1].trimmed]
            }
        }
        guard let caller = user else {
            throw APIError.make(401, "Unauthorized", "Unauthorized")
        }
        return try impersonate(caller, headers)
    }

    func impersonate(_ caller: LabUser, _ headers: HTTPHeaders) throws -> LabUser {
        let name = headers["Impersonate-User"].first
        let groups = headers["Impersonate-Group"]
        guard name != nil || !groups.isEmpty else { return caller }
        guard caller.isAdmin else {
            let (resource, target) = name.map { ("users", $0) } ?? ("groups", groups.first ?? "")
            throw APIError.make(403, "Forbidden",
                                "\(resource) \"\(target)\" is forbidden: User \"\(caller.name)\" cannot impersonate resource \"\(resource)\" in API group \"\" at the cluster scope",
                                name: target, kind: resource)
        }
        guard let name else {
            throw APIError.make(500, "InternalError", "Internal error occurred: requested [Impersonate-Group] without impersonating a user")
        }
        return LabUser(name: name, groups: groups)
    }
}
