import Storage

/// Remembers which record an `idempotencyKey` created, so a retried `add` returns it again.
/// Keys belong to the caller who made them: another user's add with the same key is a new
/// add, never a replay of a record that user may not see.
enum IdempotencyStore {
    static func lookup(_ db: Database, _ type: String, key: String, by caller: Caller) throws -> Int64? {
        try db.queryOne("SELECT entity_id FROM idempotency_keys WHERE scope = ? AND key = ?",
                        [.text(scope(type, caller)), .text(key)])?.int64("entity_id")
    }

    static func remember(_ db: Database, _ type: String, key: String, by caller: Caller, id: Int64, at: String) throws {
        try db.execute("INSERT INTO idempotency_keys (scope, key, entity_id, created_at) VALUES (?, ?, ?, ?)",
                       [.text(scope(type, caller)), .text(key), .integer(id), .text(at)])
    }

    /// `lead` for the system's own writes, `lead/7` for user 7's.
    private static func scope(_ type: String, _ caller: Caller) -> String {
        caller.userID.map { "\(type)/\($0)" } ?? type
    }
}
