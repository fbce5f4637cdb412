import JSONKit
import Storage

/// The SQL of notifications (`notifications`) and of the built-in rules users switched off
/// (`notification_rules`; a missing row: on).
enum NotificationStore {
    /// Inserts a notification; returns its id.
    static func insert(_ db: Database, userID: Int64, kind: String, text: String, record: RecordRef?, data: JSON, at now: String) throws -> Int64 {
        try db.execute("""
            INSERT INTO notifications (user_id, kind, text, entity_type, entity_id, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [.integer(userID), .text(kind), .text(text), SQLValue(record?.type.rawValue), SQLValue(record?.id), .text(data.text), .text(now)])
        return db.lastInsertRowID
    }

    /// Up to `limit` of the user's notifications, newest first, before id `before` when given.
    static func page(_ db: Database, userID: Int64, unreadOnly: Bool, limit: Int, before: Int64?) throws -> [JSON] {
        var sql = "SELECT id, kind, text, entity_type, entity_id, data, created_at, read_at FROM notifications WHERE user_id = ?"
        var arguments: [SQLValue] = [.integer(userID)]
        if unreadOnly { sql += " AND read_at IS NULL" }
        if let before {
            sql += " AND id < ?"
            arguments.append(.integer(before))
        }
        return try db.query(sql + " ORDER BY id DESC LIMIT ?", arguments + [.integer(Int64(limit))]).map { row -> JSON in
            [
                "id": .int(try row.int64("id")), "kind": .string(try row.text("kind")), "text": .string(try row.text("text")),
                "entityType": try row.optionalText("entity_type").map(JSON.string) ?? .null,
                "entityId": try row.optionalInt64("entity_id").map(JSON.int) ?? .null,
                "data": try StoredData.json(try row.text("data"), "data"), "createdAt": .string(try row.text("created_at")),
                "readAt": try row.optionalText("read_at").map(JSON.string) ?? .null,
            ]
        }
    }

    static func unreadCount(_ db: Database, userID: Int64) throws -> Int64 {
        try db.scalar("SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL", [.integer(userID)]).int64 ?? 0
    }

    /// Marks the user's unread notifications `ids` (all when nil) read at `now`; returns how many.
    static func markRead(_ db: Database, userID: Int64, ids: [Int64]?, at now: String) throws -> Int {
        var sql = "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL"
        var arguments: [SQLValue] = [.text(now), .integer(userID)]
        if let ids {
            let distinct = Array(Set(ids))
            sql += " AND id IN (\(Array(repeating: "?", count: distinct.count).joined(separator: ", ")))"
            arguments += distinct.map(SQLValue.integer)
        }
        try db.execute(sql, arguments)
        return db.changes
    }

    /// Whether the user has rule `rule` on (it is unless switched off).
    static func ruleEnabled(_ db: Database, userID: Int64, _ rule: String) throws -> Bool {
        try db.queryOne("SELECT enabled FROM notification_rules WHERE user_id = ? AND rule = ?", [.integer(userID), .text(rule)])?
            .bool("enabled") ?? true
    }

    static func setRule(_ db: Database, userID: Int64, _ rule: String, enabled: Bool) throws {
        try db.execute("""
            INSERT INTO notification_rules (user_id, rule, enabled) VALUES (?, ?, ?)
            ON CONFLICT (user_id, rule) DO UPDATE SET enabled = excluded.enabled
            """, [.integer(userID), .text(rule), SQLValue(enabled)])
    }
}
