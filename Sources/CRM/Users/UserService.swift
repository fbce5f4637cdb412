import JSONKit
import Storage

/// People who own and change records. User 1 (Администратор) always exists and acts when a
/// call names nobody.
package struct UserService: Sendable {
    let crm: CRM

    package static let defaultUserID: Int64 = 1

    package func add(name: String, email: String?, idempotencyKey: String?, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            if let key = idempotencyKey, let existing = try IdempotencyStore.lookup(db, scope: "user", key: key) {
                return try get(db, existing)
            }
            let id = try UserStore.insert(db, name: name, email: email, at: crm.nowText)
            try crm.apply(Change(.user, id: .int(id), .created, by: caller, at: crm.nowText,
                                 fields: [FieldChange(field: "name", old: .null, new: .string(name)),
                                          FieldChange(field: "email", old: .null, new: email.map(JSON.string) ?? .null)]), in: db)
            if let key = idempotencyKey { try IdempotencyStore.remember(db, scope: "user", key: key, id: id, at: crm.nowText) }
            return try get(db, id)
        }
    }

    package func get(_ id: Int64) throws -> JSON { try crm.pool.read { db in try get(db, id) } }

    package func list() throws -> JSON {
        try crm.pool.read { db in
            .object(["items": .array(try UserStore.all(db).map(Self.json))])
        }
    }

    func get(_ db: Database, _ id: Int64) throws -> JSON {
        guard let user = try UserStore.fetch(db, id) else { throw CRMError.notFound("user", id) }
        return Self.json(user)
    }

    /// Throws 1007 unless `id` names an existing user; used for `assignedTo` and the like.
    static func requireExists(_ db: Database, _ id: Int64, field: String) throws {
        guard try UserStore.exists(db, id) else {
            throw CRMError.invalidValue(field: field, reason: "unknownUser", message: "no user with id \(id)")
        }
    }

    private static func json(_ user: UserStore.User) -> JSON {
        [
            "id": .int(user.id), "name": .string(user.name), "email": user.email.map(JSON.string) ?? .null,
            "active": .bool(user.active), "createdAt": .string(user.createdAt),
        ]
    }
}

extension CRM {
    package var users: UserService { UserService(crm: self) }
}
