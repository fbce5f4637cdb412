import Storage

/// The SQL of API tokens (`api_tokens`): the SHA-256 of each secret, never the secret.
enum TokenStore {
    /// A token as stored.
    struct Token {
        var id: Int64
        var userID: Int64
        var name: String
        var hash: [UInt8]
        var scopes: String?
        var expiresAt: String?
        var createdAt: String
        var createdBy: Int64?
        var revokedAt: String?
    }

    private static let selection = "SELECT id, user_id, name, hash, scopes, expires_at, created_at, created_by, revoked_at FROM api_tokens"

    static func insert(_ db: Database, userID: Int64, name: String, hash: [UInt8], scopes: String?, expiresAt: String?,
                       at: String, by creator: Int64?) throws -> Int64 {
        try db.execute("""
            INSERT INTO api_tokens (user_id, name, hash, scopes, expires_at, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [.integer(userID), .text(name), .blob(hash), SQLValue(scopes), SQLValue(expiresAt), .text(at), SQLValue(creator)])
        return db.lastInsertRowID
    }

    /// Sets the hash of a token made with an empty one (the secret names the token's id).
    static func setHash(_ db: Database, _ id: Int64, hash: [UInt8]) throws {
        try db.execute("UPDATE api_tokens SET hash = ? WHERE id = ?", [.blob(hash), .integer(id)])
    }

    static func revoke(_ db: Database, _ id: Int64, at: String) throws {
        try db.execute("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [.text(at), .integer(id)])
    }

    static func fetch(_ db: Database, _ id: Int64) throws -> Token? {
        try db.queryOne(selection + " WHERE id = ?", [.integer(id)]).map(token)
    }

    /// Every token, or those of `userID`, by id.
    static func all(_ db: Database, userID: Int64?) throws -> [Token] {
        if let userID { return try db.query(selection + " WHERE user_id = ? ORDER BY id", [.integer(userID)]).map(token) }
        return try db.query(selection + " ORDER BY id").map(token)
    }

    private static func token(_ row: Row) throws -> Token {
        Token(id: try row.int64("id"), userID: try row.int64("user_id"), name: try row.text("name"), hash: try row.blob("hash"),
              scopes: try row.optionalText("scopes"), expiresAt: try row.optionalText("expires_at"), createdAt: try row.text("created_at"),
              createdBy: try row.optionalInt64("created_by"), revokedAt: try row.optionalText("revoked_at"))
    }
}
