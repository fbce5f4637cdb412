import JSONKit
import Storage

/// The SQL of the robot log (`automation_log`) and of the robots' webhook outbox
/// (`robot_webhooks`).
enum AutomationLogStore {
    /// Records one run of rule `ruleID` on a record.
    static func insert(_ db: Database, ruleID: Int64, entityType: String, entityID: Int64, trigger: String, action: String,
                       run: RobotRun, attempt: Int64, at: String) throws {
        try db.execute("""
            INSERT INTO automation_log (rule_id, entity_type, entity_id, trigger, action, result, reason, attempt, data, at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.integer(ruleID), .text(entityType), .integer(entityID), .text(trigger), .text(action), .text(run.result.rawValue),
                  SQLValue(run.reason), .integer(attempt), .text(JSON.object(run.data).text), .text(at)])
    }

    /// Up to `limit` runs on one record (`entity`) or of one rule, newest first, older than `before` (an entry id).
    static func entries(_ db: Database, entity: (type: String, id: Int64)?, ruleID: Int64?, before: Int64?, limit: Int) throws -> [Row] {
        try db.query("""
            SELECT id, rule_id, entity_type, entity_id, trigger, action, result, reason, attempt, data, at FROM automation_log
            WHERE (? IS NULL OR (entity_type = ? AND entity_id = ?)) AND (? IS NULL OR rule_id = ?) AND (? IS NULL OR id < ?)
            ORDER BY id DESC LIMIT ?
            """, [SQLValue(entity?.type), SQLValue(entity?.type), SQLValue(entity?.id), SQLValue(ruleID), SQLValue(ruleID),
                  SQLValue(before), SQLValue(before), .integer(Int64(limit))])
    }

    // MARK: - Webhook outbox

    /// A robot's POST waiting to be delivered.
    struct Webhook {
        let id: Int64
        let ruleID: Int64
        let entityType: String
        let entityID: Int64
        let trigger: String
        let url: String
        let secret: String
        let body: String
        let attempts: Int64
    }

    static func insertWebhook(_ db: Database, ruleID: Int64, entityType: String, entityID: Int64, trigger: String, url: String,
                              secret: String, body: String, now: Int64, at: String) throws -> Int64 {
        try db.execute("""
            INSERT INTO robot_webhooks (rule_id, entity_type, entity_id, trigger, url, secret, body, status, next_attempt_at, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)
            """, [.integer(ruleID), .text(entityType), .integer(entityID), .text(trigger), .text(url), .text(secret), .text(body),
                  .integer(now), .text(at), .text(at)])
        return db.lastInsertRowID
    }

    /// Up to `limit` queued webhooks due at `now`, oldest first.
    static func dueWebhooks(_ db: Database, now: Int64, limit: Int) throws -> [Webhook] {
        try db.query("""
            SELECT id, rule_id, entity_type, entity_id, trigger, url, secret, body, attempts FROM robot_webhooks
            WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?
            """, [.integer(now), .integer(Int64(limit))]).map { row in
            Webhook(id: try row.int64("id"), ruleID: try row.int64("rule_id"), entityType: try row.text("entity_type"),
                    entityID: try row.int64("entity_id"), trigger: try row.text("trigger"), url: try row.text("url"),
                    secret: try row.text("secret"), body: try row.text("body"), attempts: try row.int64("attempts"))
        }
    }

    /// After an attempt: `delivered`, `failed` (given up), or still `queued` for `nextAttemptAt`.
    static func updateWebhook(_ db: Database, id: Int64, status: String, attempts: Int64, nextAttemptAt: Int64, at: String) throws {
        try db.execute("UPDATE robot_webhooks SET status = ?, attempts = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?",
                       [.text(status), .integer(attempts), .integer(nextAttemptAt), .text(at), .integer(id)])
    }
}
