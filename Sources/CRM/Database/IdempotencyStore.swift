import Storage

/// Remembers which record an `idempotencyKey` created, so a retried `add` returns it again.
enum IdempotencyStore {
    static func lookup(_ db: Database, scope: String, key: String) throws -> Int64? {
        try db.queryOne("SELECT entity_id FROM idempotency_keys WHERE scope = ? AND key = ?", [.text(scope), .text(key)])?.int64("entity_id")
    }

    static func remember(_ db: Database, scope: String, key: String, id: Int64, at: String) throws {
        try db.execute("INSERT INTO idempotency_keys (scope, key, entity_id, created_at) VALUES (?, ?, ?, ?)",
                       [.text(scope), .text(key), .integer(id), .text(at)])
    }
}
