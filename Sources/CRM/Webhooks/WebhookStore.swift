import Storage

/// The SQL of webhooks and their delivery attempts.
enum WebhookStore {
    struct Webhook {
        var id: Int64
        var url: String
        var topics: String
        var secret: String
        var active: Bool
        var cursor: Int64
        var attempts: Int64
        var nextAttemptAt: Int64?
        var failingSince: Int64?
        var disabledReason: String?
        var createdAt: String
        var updatedAt: String
        var createdBy: Int64?
    }

    private static let selection = """
        SELECT id, url, topics, secret, active, cursor, attempts, next_attempt_at, failing_since, disabled_reason, created_at, updated_at,
        created_by FROM webhooks
        """

    static func insert(_ db: Database, url: String, topics: String, secret: String, cursor: Int64, at: String, by: Int64?) throws -> Int64 {
        try db.execute("""
            INSERT INTO webhooks (url, topics, secret, cursor, created_at, updated_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [.text(url), .text(topics), .text(secret), .integer(cursor), .text(at), .text(at), SQLValue(by)])
        return db.lastInsertRowID
    }

    static func update(_ db: Database, _ webhook: Webhook, at: String) throws {
        try db.execute("""
            UPDATE webhooks SET url = ?, topics = ?, secret = ?, active = ?, cursor = ?, attempts = ?, next_attempt_at = ?,
            failing_since = ?, disabled_reason = ?, updated_at = ? WHERE id = ?
            """, [.text(webhook.url), .text(webhook.topics), .text(webhook.secret), SQLValue(webhook.active), .integer(webhook.cursor),
                  .integer(webhook.attempts), SQLValue(webhook.nextAttemptAt), SQLValue(webhook.failingSince),
                  SQLValue(webhook.disabledReason), .text(at), .integer(webhook.id)])
    }

    static func delete(_ db: Database, _ id: Int64) throws {
        try db.execute("DELETE FROM webhooks WHERE id = ?", [.integer(id)])
    }

    static func fetch(_ db: Database, _ id: Int64) throws -> Webhook? {
        try db.queryOne(selection + " WHERE id = ?", [.integer(id)]).map(webhook)
    }

    static func all(_ db: Database) throws -> [Webhook] {
        try db.query(selection + " ORDER BY id").map(webhook)
    }

    /// The lowest cursor of the active webhooks: events after it are still to be delivered.
    static func lowestActiveCursor(_ db: Database) throws -> Int64? {
        try db.queryOne("SELECT min(cursor) AS low FROM webhooks WHERE active = 1")?.optionalInt64("low")
    }

    struct Attempt {
        var seq: Int64
        var attempt: Int64
        var at: String
        var status: Int?
        var error: String?
        var durationMs: Int64
        var response: String?
        var outcome: String
    }

    static func record(_ db: Database, webhookID: Int64, _ attempt: Attempt) throws {
        try db.execute("""
            INSERT INTO webhook_deliveries (webhook_id, seq, attempt, at, status, error, duration_ms, response, outcome)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.integer(webhookID), .integer(attempt.seq), .integer(attempt.attempt), .text(attempt.at),
                  SQLValue(attempt.status.map(Int64.init)), SQLValue(attempt.error), .integer(attempt.durationMs), SQLValue(attempt.response),
                  .text(attempt.outcome)])
    }

    /// The latest attempts of a webhook, newest first.
    static func deliveries(_ db: Database, webhookID: Int64, limit: Int) throws -> [Row] {
        try db.query("""
            SELECT id, seq, attempt, at, status, error, duration_ms, response, outcome FROM webhook_deliveries
            WHERE webhook_id = ? ORDER BY id DESC LIMIT ?
            """, [.integer(webhookID), .integer(Int64(limit))])
    }

    private static func webhook(_ row: Row) throws -> Webhook {
        Webhook(id: try row.int64("id"), url: try row.text("url"), topics: try row.text("topics"), secret: try row.text("secret"),
                active: try row.bool("active"), cursor: try row.int64("cursor"), attempts: try row.int64("attempts"),
                nextAttemptAt: try row.optionalInt64("next_attempt_at"), failingSince: try row.optionalInt64("failing_since"),
                disabledReason: try row.optionalText("disabled_reason"), createdAt: try row.text("created_at"),
                updatedAt: try row.text("updated_at"), createdBy: try row.optionalInt64("created_by"))
    }
}
