import JSONKit
import Storage

/// A notification made for one user, as a write hands it to the server once it is durable, to
/// be sent to that user's open connections (`notification` server notifications).
package struct NotificationNote: Sendable {
    package let userID: Int64
    package let json: JSON
}

/// Notifications to people (`notification.*`): made by robots' `notify` action and by built-in
/// rules each user can switch off (`Rule`, applied by `NotificationListener`), kept per user,
/// read and marked read by their user only. Reading, marking read and switching rules are the
/// user's own bookkeeping, not changes of the CRM: they do not go through the change funnel.
package struct NotificationService: Sendable {
    let crm: CRM

    /// The built-in rules.
    package enum Rule: String, Sendable, CaseIterable {
        /// An invoice I am responsible for was paid in full.
        case invoicePaid
        /// A payment came for an invoice of a deal I am responsible for.
        case paymentForMyDeal
    }

    /// Makes a notification for `userID` inside a write (nothing when the user is inactive).
    static func notify(_ db: Database, crm: CRM, userID: Int64, kind: String, text: String, record: RecordRef?,
                       data: [String: JSON] = [:]) throws {
        guard try UserStore.isActive(db, userID) == true else { return }
        let now = crm.nowText
        try db.execute("""
            INSERT INTO notifications (user_id, kind, text, entity_type, entity_id, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [.integer(userID), .text(kind), .text(text), SQLValue(record?.type.rawValue), SQLValue(record?.id),
                  .text(JSON.object(data).text), .text(now)])
        let json: JSON = [
            "id": .int(db.lastInsertRowID), "kind": .string(kind), "text": .string(text),
            "entityType": record.map { .string($0.type.rawValue) } ?? .null, "entityId": record.map { .int($0.id) } ?? .null,
            "data": .object(data), "createdAt": .string(now), "readAt": .null,
        ]
        db.attachCommitNote(NotificationNote(userID: userID, json: json))
    }

    /// Whether `userID` wants notifications of a built-in rule.
    static func wants(_ db: Database, userID: Int64, _ rule: Rule) throws -> Bool {
        try db.queryOne("SELECT enabled FROM notification_rules WHERE user_id = ? AND rule = ?",
                        [.integer(userID), .text(rule.rawValue)])?.bool("enabled") ?? true
    }

    /// `{items, unread}`: the user's notifications, newest first (only unread ones if asked),
    /// before `before` (an id) when given.
    package func list(userID: Int64, unreadOnly: Bool, limit: Int, before: Int64?) throws -> JSON {
        try crm.pool.read { db in
            var sql = "SELECT id, kind, text, entity_type, entity_id, data, created_at, read_at FROM notifications WHERE user_id = ?"
            var arguments: [SQLValue] = [.integer(userID)]
            if unreadOnly { sql += " AND read_at IS NULL" }
            if let before {
                sql += " AND id < ?"
                arguments.append(.integer(before))
            }
            let items = try db.query(sql + " ORDER BY id DESC LIMIT ?", arguments + [.integer(Int64(limit))]).map { row -> JSON in
                [
                    "id": .int(try row.int64("id")), "kind": .string(try row.text("kind")), "text": .string(try row.text("text")),
                    "entityType": try row.optionalText("entity_type").map(JSON.string) ?? .null,
                    "entityId": try row.optionalInt64("entity_id").map(JSON.int) ?? .null,
                    "data": try StoredData.json(try row.text("data"), "data"), "createdAt": .string(try row.text("created_at")),
                    "readAt": try row.optionalText("read_at").map(JSON.string) ?? .null,
                ]
            }
            let unread = try db.scalar("SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL", [.integer(userID)]).int64 ?? 0
            return ["items": .array(items), "unread": .int(unread)]
        }
    }

    /// Marks the user's notifications `ids` (all of them when nil) read; returns `{marked}`.
    package func markRead(userID: Int64, ids: [Int64]?) throws -> JSON {
        if ids?.isEmpty == true { return ["marked": 0] }
        return try crm.pool.write { db in
            var sql = "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL"
            var arguments: [SQLValue] = [.text(crm.nowText), .integer(userID)]
            if let ids {
                let distinct = Array(Set(ids))
                sql += " AND id IN (\(Array(repeating: "?", count: distinct.count).joined(separator: ", ")))"
                arguments += distinct.map(SQLValue.integer)
            }
            try db.execute(sql, arguments)
            return ["marked": .int(Int64(db.changes))]
        }
    }

    /// `{rule: enabled}` for every built-in rule.
    package func rules(userID: Int64) throws -> JSON {
        try crm.pool.read { db in
            var rules: [String: JSON] = [:]
            for rule in Rule.allCases { rules[rule.rawValue] = .bool(try Self.wants(db, userID: userID, rule)) }
            return ["rules": .object(rules)]
        }
    }

    /// Switches the given built-in rules on or off for the user; unknown rules are 1007.
    package func setRules(userID: Int64, _ changes: [String: Bool]) throws -> JSON {
        for name in changes.keys where Rule(rawValue: name) == nil {
            throw CRMError.invalidValue(field: "rules.\(name)", reason: "unknownRule",
                                        message: "no rule \(name); rules: \(Rule.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        try crm.pool.write { db in
            for (name, enabled) in changes {
                try db.execute("INSERT INTO notification_rules (user_id, rule, enabled) VALUES (?, ?, ?) ON CONFLICT (user_id, rule) DO UPDATE SET enabled = excluded.enabled",
                               [.integer(userID), .text(name), SQLValue(enabled)])
            }
        }
        return try rules(userID: userID)
    }
}

extension CRM {
    package var notifications: NotificationService { NotificationService(crm: self) }
}
