import JSONKit
import Storage

/// API tokens (`token.*`): how the HTTP bridge and remote scripts sign in as a user
/// (`session.login`). The secret is shown once, by `add`; only its SHA-256 is kept, and
/// `list` never shows it.
package struct TokenService: Sendable {
    let crm: CRM

    /// Makes a token for active user `userID`; the result carries `token`, the secret.
    /// `expiresAt` must lie in the future (1007 `{field: expiresAt, reason: past}`).
    package func add(userID: Int64, name: String, expiresAt: String?, scopes: [String]?, by caller: Caller) throws -> JSON {
        let end = try expiresAt.map { text in
            guard let seconds = Timestamp.parse(text) else {
                throw CRMError.invalidValue(field: "expiresAt", reason: "format", message: "\(text) is not an ISO 8601 timestamp")
            }
            guard seconds > crm.clock.now() else {
                throw CRMError.invalidValue(field: "expiresAt", reason: "past", message: "\(text) has already passed")
            }
            return seconds
        }
        try Self.requireOwnOrManaged(caller.access, userID)
        try Self.validate(scopes ?? [])
        return try crm.pool.write { db in
            try UserService.requireActive(db, userID, field: "userId")
            let scopesText = scopes.map { JSON.array($0.map(JSON.string)).text }
            // The id goes into the secret, so the row is made first and its hash set once the id is known.
            let id = try TokenStore.insert(db, userID: userID, name: name, hash: [], scopes: scopesText,
                                           expiresAt: end.map(Timestamp.format), at: crm.nowText, by: caller.userID)
            let secret = TokenSecret.generate(tokenID: id)
            try TokenStore.setHash(db, id, hash: secret.hash)
            guard let stored = try TokenStore.fetch(db, id) else { throw CRMError.notFound("token", id) }
            let token = Self.json(stored)
            try crm.apply(Change(.token, id: .int(id), .created, by: caller, at: crm.nowText,
                                 fields: FieldChange.differences(.object([:]), token, ignoring: ["id", "createdAt", "createdBy"])), in: db)
            var shown = token.objectValue ?? [:]
            shown["token"] = .string(secret.text)
            return .object(shown)
        }
    }

    /// Every token (of `userID` when given), without secrets; only the caller's own unless
    /// `access` (when given) may manage users.
    package func list(userID: Int64?, access: Access? = nil) throws -> JSON {
        var userID = userID
        if let access, !access.allows(.users, .update) {
            try Self.requireOwnOrManaged(access, userID ?? access.userID)
            userID = access.userID
        }
        return try crm.pool.read { db in .object(["items": .array(try TokenStore.all(db, userID: userID).map(Self.json))]) }
    }

    /// One's own tokens are anyone's to make, list and revoke; another user's need `users.update`.
    private static func requireOwnOrManaged(_ access: Access?, _ userID: Int64) throws {
        guard let access, userID != access.userID else { return }
        try access.require(.users, .update)
    }

    /// Scopes name permissions: `lead:read`, `lead:*`, `*:read`, `lead` (every action), `*`.
    private static func validate(_ scopes: [String]) throws {
        for (index, scope) in scopes.enumerated() {
            let parts = scope.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            let entityOK = parts[0] == "*" || PermissionEntity(rawValue: parts[0]) != nil
            let actionOK = parts.count == 1 || (parts.count == 2 && (parts[1] == "*" || PermissionAction(rawValue: parts[1]) != nil))
            if !entityOK || !actionOK {
                throw CRMError.invalidValue(field: "scopes.\(index)", reason: "unknownScope",
                                            message: "'\(scope)' names no permission: use entity:action (lead:read), entity:*, *:action, entity or *")
            }
        }
    }

    /// Revokes token `id`: sessions signed in with it are refused from their next call on. Idempotent.
    package func revoke(_ id: Int64, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            guard let stored = try TokenStore.fetch(db, id) else { throw CRMError.notFound("token", id) }
            try Self.requireOwnOrManaged(caller.access, stored.userID)
            guard stored.revokedAt == nil else { return Self.json(stored) }
            try TokenStore.revoke(db, id, at: crm.nowText)
            try crm.apply(Change(.token, id: .int(id), .revoked, by: caller, at: crm.nowText,
                                 fields: [FieldChange(field: "revokedAt", old: .null, new: .string(crm.nowText))]), in: db)
            guard let revoked = try TokenStore.fetch(db, id) else { throw CRMError.notFound("token", id) }
            return Self.json(revoked)
        }
    }

    private static func json(_ token: TokenStore.Token) -> JSON {
        let scopes = token.scopes.flatMap { try? JSON.parse($0) } ?? .null
        return [
            "id": .int(token.id), "userId": .int(token.userID), "name": .string(token.name), "scopes": scopes,
            "expiresAt": token.expiresAt.map(JSON.string) ?? .null, "createdAt": .string(token.createdAt),
            "createdBy": token.createdBy.map(JSON.int) ?? .null, "revokedAt": token.revokedAt.map(JSON.string) ?? .null,
        ]
    }
}

extension CRM {
    package var tokens: TokenService { TokenService(crm: self) }
}
