import JSONKit
import Storage

/// Who may call, and as whom: maps a socket peer's uid, the owner's own process or an API
/// token to an `Identity`, and checks an identity again when what it rests on changed.
/// Every refusal is 1006 `{reason, …}` (`CRMError.accessRefused`).
package struct AccessService: Sendable {
    let crm: CRM

    /// The identity of the owner's own process (stdio): the administrator.
    package func owner() throws -> Identity {
        try crm.pool.read { db in try Self.identity(db, userID: UserService.defaultUserID, source: .owner) }
    }

    /// The identity of a socket peer running as `uid`: the user mapped to it; else, for the uid
    /// that runs crmd (`ownerUID`), the administrator; else the user the setting
    /// `unmappedUnixUsers` names; else refused (`unmappedUnixUser`). A deactivated user is
    /// refused too (`userInactive`).
    package func identity(unixUser uid: UInt32?, ownerUID: UInt32) throws -> Identity {
        guard let uid else {
            throw CRMError.accessRefused(reason: "unknownPeer", message: "the system did not tell who connected (SO_PEERCRED)", details: [:])
        }
        return try crm.pool.read { db in try Self.identity(db, unixUser: uid, ownerUID: ownerUID) }
    }

    /// The identity of the user of API token `secret` (`session.login`).
    package func login(token secret: String) throws -> Identity {
        guard let parsed = TokenSecret(secret) else {
            throw CRMError.accessRefused(reason: "tokenUnknown", message: "this is not a token of this crmd", details: [:])
        }
        let now = crm.clock.now()
        return try crm.pool.read { db in try Self.identity(db, token: parsed, now: now) }
    }

    /// `identity` checked again against the database: the user still active, the token not
    /// revoked, the mapping of the uid as it is now. Throws the refusal when it no longer holds.
    package func refresh(_ identity: Identity, ownerUID: UInt32) throws -> Identity {
        try crm.pool.read { db in
            switch identity.source {
            case .owner: try Self.identity(db, userID: UserService.defaultUserID, source: .owner)
            case .unixUser(let uid), .unmappedUnixUser(let uid): try Self.identity(db, unixUser: uid, ownerUID: ownerUID)
            case .token(let id): try Self.identity(db, tokenID: id, now: crm.clock.now())
            }
        }
    }

    /// Refuses an identity whose token has ended by now.
    package func requireCurrent(_ identity: Identity) throws {
        if let end = identity.expiresAt, crm.clock.now() >= end, case .token(let id) = identity.source {
            throw Self.expired(id, end)
        }
    }

    /// Throws 1002 unless the record exists, 1006 unless `access` reaches it for `action`.
    package func require(_ access: Access, _ action: PermissionAction, _ record: RecordRef) throws {
        try crm.pool.read { db in try Self.require(access, action, record, db) }
    }

    /// `require` inside a caller's transaction; nothing to judge without `access`.
    static func require(_ access: Access?, _ action: PermissionAction, _ record: RecordRef, _ db: Database) throws {
        guard let access else { return }
        let entity = PermissionEntity(record.type)
        guard record.type.hasOwner, !access.reach(entity, action).contains(.all) else {
            try RecordService.requireExists(db, record.type.descriptor, record.id)
            return try access.require(entity, action)
        }
        guard let owner = try RecordStore(entity: record.type.descriptor).owner(db, record.id) else {
            throw CRMError.notFound(record.type.rawValue, record.id)
        }
        try access.require(entity, action, id: record.id, owner: owner)
    }

    // MARK: - Resolution

    private static func identity(_ db: Database, unixUser uid: UInt32, ownerUID: UInt32) throws -> Identity {
        if let user = try UserStore.fetch(db, unixUser: Int64(uid)) {
            return try identity(db, userID: user.id, source: .unixUser(uid))
        }
        if uid == ownerUID { return try identity(db, userID: UserService.defaultUserID, source: .owner) }
        if let fallback = try SettingsService.load(db)["unmappedUnixUsers"]?.int64Value {
            return try identity(db, userID: fallback, source: .unmappedUnixUser(uid))
        }
        throw CRMError.accessRefused(
            reason: "unmappedUnixUser",
            message: "uid \(uid) is mapped to no user of this CRM; the administrator maps it with user.update {id, fields: {unixUser: \(uid)}}",
            details: ["unixUser": .int(Int64(uid))])
    }

    private static func identity(_ db: Database, token: TokenSecret, now: Int64) throws -> Identity {
        guard let stored = try TokenStore.fetch(db, token.tokenID), SHA256.constantTimeEqual(stored.hash, token.hash) else {
            throw CRMError.accessRefused(reason: "tokenUnknown", message: "no such token (it may have been mistyped)", details: [:])
        }
        return try identity(db, stored, now: now)
    }

    private static func identity(_ db: Database, tokenID: Int64, now: Int64) throws -> Identity {
        guard let stored = try TokenStore.fetch(db, tokenID) else {
            throw CRMError.accessRefused(reason: "tokenUnknown", message: "the token no longer exists", details: [:])
        }
        return try identity(db, stored, now: now)
    }

    private static func identity(_ db: Database, _ token: TokenStore.Token, now: Int64) throws -> Identity {
        if let revoked = token.revokedAt {
            throw CRMError.accessRefused(reason: "tokenRevoked", message: "token \(token.id) was revoked at \(revoked)",
                                         details: ["tokenId": .int(token.id)])
        }
        let end = token.expiresAt.flatMap(Timestamp.parse)
        if let end, now >= end { throw expired(token.id, end) }
        let scopes = try token.scopes.map { text in try JSON.parse(text).arrayValue?.compactMap(\.stringValue) ?? [] }
        return try identity(db, userID: token.userID, source: .token(token.id)).with(expiresAt: end, scopes: scopes)
    }

    private static func identity(_ db: Database, userID: Int64, source: Identity.Source) throws -> Identity {
        guard let user = try UserStore.fetch(db, userID) else {
            throw CRMError.accessRefused(reason: "userUnknown", message: "user \(userID) does not exist", details: ["userId": .int(userID)])
        }
        guard user.active else {
            throw CRMError.accessRefused(reason: "userInactive", message: "user \(userID) (\(user.name)) is deactivated",
                                         details: ["userId": .int(userID)])
        }
        let roles = try RoleService.effective(db, userID: userID, departmentID: user.departmentID)
        let colleagues = try user.departmentID.map { try UserStore.ids(db, inDepartmentTree: $0) } ?? []
        return Identity(userID: userID, departmentID: user.departmentID, source: source, roleIDs: roles.roleIDs, permissions: roles.permissions,
                        departmentUserIDs: colleagues)
    }

    private static func expired(_ id: Int64, _ end: Int64) -> CRMError {
        .accessRefused(reason: "tokenExpired", message: "token \(id) expired at \(Timestamp.format(end))",
                       details: ["tokenId": .int(id), "expiresAt": .string(Timestamp.format(end))])
    }
}

extension CRM {
    package var access: AccessService { AccessService(crm: self) }
}
