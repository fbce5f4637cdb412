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
        /// A meeting or call I am responsible for or take part in was moved, or called off.
        case meetingMoved
    }

    /// Makes a notification for `userID` inside a write (nothing when the user is inactive).
    static func notify(_ db: Database, crm: CRM, userID: Int64, kind: String, text: String, record: RecordRef?,
                       data: [String: JSON] = [:]) throws {
        guard try UserStore.isActive(db, userID) == true else { return }
        let now = crm.nowText
        let id = try NotificationStore.insert(db, userID: userID, kind: kind, text: text, record: record, data: .object(data), at: now)
        let json: JSON = [
            "id": .int(id), "kind": .string(kind), "text": .string(text),
            "entityType": record.map { .string($0.type.rawValue) } ?? .null, "entityId": record.map { .int($0.id) } ?? .null,
            "data": .object(data), "createdAt": .string(now), "readAt": .null,
        ]
        db.attachCommitNote(NotificationNote(userID: userID, json: json))
    }

    /// Whether `userID` wants notifications of a built-in rule.
    static func wants(_ db: Database, userID: Int64, _ rule: Rule) throws -> Bool {
        try NotificationStore.ruleEnabled(db, userID: userID, rule.rawValue)
    }

    /// `{items, unread}`: the user's notifications, newest first (only unread ones if asked),
    /// before `before` (an id) when given.
    package func list(userID: Int64, unreadOnly: Bool, limit: Int, before: Int64?) throws -> JSON {
        try crm.pool.read { db in
            let items = try NotificationStore.page(db, userID: userID, unreadOnly: unreadOnly, limit: limit, before: before)
            return ["items": .array(items), "unread": .int(try NotificationStore.unreadCount(db, userID: userID))]
        }
    }

    /// Marks the user's notifications `ids` (all of them when nil) read; returns `{marked}`.
    package func markRead(userID: Int64, ids: [Int64]?) throws -> JSON {
        if ids?.isEmpty == true { return ["marked": 0] }
        return try crm.pool.write { db in
            ["marked": .int(Int64(try NotificationStore.markRead(db, userID: userID, ids: ids, at: crm.nowText)))]
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
            for (name, enabled) in changes { try NotificationStore.setRule(db, userID: userID, name, enabled: enabled) }
        }
        return try rules(userID: userID)
    }
}

extension CRM {
    package var notifications: NotificationService { NotificationService(crm: self) }
}
