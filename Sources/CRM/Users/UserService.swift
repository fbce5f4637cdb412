import JSONKit
import Storage

/// People who own and change records. User 1 (Администратор) always exists and acts when a
/// call names nobody.
package struct UserService: Sendable {
    let crm: CRM

    package static let defaultUserID: Int64 = 1

    package func add(name: String, email: String?, idempotencyKey: String?, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            if let key = idempotencyKey, let existing = try Idempotency.lookup(db, scope: "user", key: key) {
                return try get(db, existing)
            }
            try db.execute("INSERT INTO users (name, email, active, created_at) VALUES (?, ?, 1, ?)",
                           [.text(name), SQLValue(email), .text(crm.nowText)])
            let id = db.lastInsertRowID
            try crm.apply(Change(.user, id: .int(id), .created, by: caller, at: crm.nowText,
                                 fields: [FieldChange(field: "name", old: .null, new: .string(name)),
                                          FieldChange(field: "email", old: .null, new: email.map(JSON.string) ?? .null)]), in: db)
            if let key = idempotencyKey { try Idempotency.remember(db, scope: "user", key: key, id: id, at: crm.nowText) }
            return try get(db, id)
        }
    }

    package func get(_ id: Int64) throws -> JSON { try crm.pool.read { db in try get(db, id) } }

    package func list() throws -> JSON {
        try crm.pool.read { db in
            .object(["items": .array(try db.query("SELECT id, name, email, active, created_at FROM users ORDER BY id").map { try Self.json($0) })])
        }
    }

    func get(_ db: Database, _ id: Int64) throws -> JSON {
        guard let row = try db.queryOne("SELECT id, name, email, active, created_at FROM users WHERE id = ?", [.integer(id)]) else {
            throw CRMError.notFound("user", id)
        }
        return try Self.json(row)
    }

    /// Throws 1007 unless `id` names an existing user; used for `assignedTo` and the like.
    static func requireExists(_ db: Database, _ id: Int64, field: String) throws {
        guard try db.queryOne("SELECT 1 FROM users WHERE id = ?", [.integer(id)]) != nil else {
            throw CRMError.invalidValue(field: field, reason: "unknownUser", message: "no user with id \(id)")
        }
    }

    private static func json(_ row: Row) throws -> JSON {
        [
            "id": .int(try row.int64("id")), "name": .string(try row.text("name")),
            "email": try row.optionalText("email").map(JSON.string) ?? .null, "active": .bool(try row.bool("active")),
            "createdAt": .string(try row.text("created_at")),
        ]
    }
}

extension CRM {
    package var users: UserService { UserService(crm: self) }
}
