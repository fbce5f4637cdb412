import Storage

/// The SQL of public links: a token per link, revoked by invoice, looked up by token.
enum PublicLinkStore {
    /// A link as stored: the invoice it opens, until when, and whether it was revoked.
    struct Link {
        let invoiceID: Int64
        let expiresAt: String?
        let revokedAt: String?
    }

    /// Inserts a link; returns its row id (the change names the link by it, never by the token).
    static func insert(_ db: Database, token: String, invoiceID: Int64, at now: String, expiresAt: String?) throws -> Int64 {
        try db.execute("INSERT INTO invoice_links (token, invoice_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                       [.text(token), .integer(invoiceID), .text(now), SQLValue(expiresAt)])
        return db.lastInsertRowID
    }

    /// Revokes every link to the invoice not revoked yet; returns how many.
    static func revoke(_ db: Database, invoiceID: Int64, at now: String) throws -> Int64 {
        try db.execute("UPDATE invoice_links SET revoked_at = ? WHERE invoice_id = ? AND revoked_at IS NULL", [.text(now), .integer(invoiceID)])
        return Int64(db.changes)
    }

    /// The link with this token, or nil if there is none.
    static func find(_ db: Database, token: String) throws -> Link? {
        guard let row = try db.queryOne("SELECT invoice_id, expires_at, revoked_at FROM invoice_links WHERE token = ?", [.text(token)]) else {
            return nil
        }
        let (revokedAt, expiresAt) = (try row.optionalText("revoked_at"), try row.optionalText("expires_at"))
        return Link(invoiceID: try row.int64("invoice_id"), expiresAt: expiresAt, revokedAt: revokedAt)
    }
}
