import JSONKit
import Storage

/// The event log (`event.list`): every change of the engine in commit order, each with a
/// gapless `seq`, shown to a caller only where they may read what it is about; and its
/// retention (the setting `eventRetentionDays`, 90 by default).
package struct EventService: Sendable {
    let crm: CRM

    /// What to read: events after `after` (0: from the start), matching `topics` (any when
    /// empty) and, when given, about one record type or record.
    package struct Query: Sendable {
        package var after: Int64 = 0
        package var limit: Int = 100
        package var topics: [String] = []
        package var entityType: EntityType?
        package var id: Int64?
        package init() {}
    }

    /// `{items, last}`: up to `limit` events, and the `seq` to continue after (the last item's
    /// when the page is full, else the last in the log: nothing before it is left to show).
    /// `after` past the log's end is 1007 `beyondEnd`; before what retention kept, 1007 `expired`.
    package func list(_ query: Query, access: Access?) throws -> JSON {
        try EventTopic.validate(query.topics)
        return try crm.pool.read { db in
            let (events, last) = try Self.page(db, query, access: access)
            return ["items": .array(try events.map { try JSON.parse(String(decoding: $0.json, as: UTF8.self)) }), "last": .int(last)]
        }
    }

    /// The events of `list` as `Event`s, and where to continue.
    package static func page(_ db: Database, _ query: Query, access: Access?) throws -> (events: [Event], last: Int64) {
        let bounds = try Self.check(db, after: query.after)
        var conditions: [String] = []
        var arguments: [SQLValue] = []
        if !query.topics.isEmpty, !query.topics.contains("*") {
            conditions.append("(" + query.topics.map { _ in "e.topic LIKE ?" }.joined(separator: " OR ") + ")")
            arguments += query.topics.map { .text($0.replacingOccurrences(of: "*", with: "%")) }
        }
        if let type = query.entityType {
            conditions.append("e.record_type = ?")
            arguments.append(.text(type.rawValue))
            if let id = query.id {
                conditions.append("e.record_id = ?")
                arguments.append(.integer(id))
            }
        }
        if let access, let (sql, values) = Self.visibility(access) {
            conditions.append(sql)
            arguments += values
        }
        let rows = try EventStore.page(db, after: query.after, limit: query.limit, conditions: conditions, arguments: arguments)
        let events = try rows.map(Self.event)
        let last = query.limit > 0 && events.count == query.limit ? events[events.count - 1].seq : (bounds.last ?? bounds.lastGiven)
        return (events, max(last, query.after))
    }

    /// The last seq the log gave (0 when none yet).
    package static func lastSeq(_ db: Database) throws -> Int64 { try EventStore.bounds(db).lastGiven }

    /// The log's bounds, once `after` is known to be a place in it: 1007 `beyondEnd` past its
    /// end, 1007 `expired` before what retention kept.
    @discardableResult
    package static func check(_ db: Database, after: Int64) throws -> (first: Int64?, last: Int64?, lastGiven: Int64) {
        let bounds = try EventStore.bounds(db)
        if after > bounds.lastGiven {
            throw CRMError.invalidValue(field: "after", reason: "beyondEnd", message: "the log ends at seq \(bounds.lastGiven)")
        }
        if let first = bounds.first, after < first - 1 {
            throw CRMError.invalidValue(field: "after", reason: "expired",
                                        message: "events up to seq \(first - 1) are no longer kept; the log starts at \(first)")
        } else if bounds.first == nil, after < bounds.lastGiven {
            throw CRMError.invalidValue(field: "after", reason: "expired", message: "no events before seq \(bounds.lastGiven + 1) are kept")
        }
        return bounds
    }

    /// The condition (on alias `e`) that keeps the events `access` may see; nil when it sees all.
    static func visibility(_ access: Access) -> (String, [SQLValue])? {
        var whole: [String] = []
        var scoped: [String] = []
        var arguments: [SQLValue] = []
        for audience in EventAudience.all {
            let (entity, action) = audience.permission
            let reach = access.reach(entity, action)
            if reach.isEmpty { continue }
            if reach.contains(.all) || !audience.hasOwner {
                whole.append("'\(audience.rawValue)'")
                continue
            }
            var terms: [String] = []
            if reach.contains(.department) {
                terms.append("e.assigned_to IN (\(Array(repeating: "?", count: access.departmentUserIDs.count).joined(separator: ", ")))")
                arguments += access.departmentUserIDs.map(SQLValue.integer)
            } else if reach.contains(.own) {
                terms.append("e.assigned_to = ?")
                arguments.append(.integer(access.userID))
            }
            if reach.contains(.open) { terms.append("e.opened = 1") }
            scoped.append("(e.audience = '\(audience.rawValue)' AND (\(terms.joined(separator: " OR "))))")
        }
        if scoped.isEmpty && whole.count == EventAudience.all.count { return nil }
        var parts = scoped
        if !whole.isEmpty { parts.insert("e.audience IN (\(whole.joined(separator: ", ")))", at: 0) }
        return parts.isEmpty ? ("0", []) : ("(" + parts.joined(separator: " OR ") + ")", arguments)
    }

    private static func event(_ row: Row) throws -> Event {
        let audience = try StoredData.read("events", try row.int64("seq")) { () throws -> EventAudience in
            guard let audience = EventAudience(rawValue: try row.text("audience")) else { throw StoredData.Problem("audience: unknown") }
            return audience
        }
        let owner = RecordOwner(assignedTo: try row.optionalInt64("assigned_to"), opened: try row.bool("opened"))
        return Event(seq: try row.int64("seq"), topic: try row.text("topic"), audience: audience, owner: owner, body: try row.text("body"))
    }

    /// Events one pruning transaction deletes at most.
    static let pruneBatch = 10_000

    /// Deletes events older than the retention setting, but none an active webhook has not
    /// delivered yet; returns how many.
    @discardableResult
    package func prune(batch: Int = pruneBatch) throws -> Int {
        let days = try crm.pool.read { db in try SettingsService.load(db)["eventRetentionDays"]?.int64Value ?? 90 }
        let cutoff = Timestamp.format(crm.clock.now() - days * 86_400)
        // Deleted in short transactions, so a long backlog does not hold writers up.
        var deleted = 0
        while true {
            let count = try crm.pool.write { db -> Int in
                var bound = try EventStore.firstKept(db, cutoff) ?? Int64.max
                if let cursor = try WebhookStore.lowestActiveCursor(db) { bound = min(bound, cursor &+ 1) }
                return try EventStore.deleteOldest(db, below: bound, limit: batch)
            }
            deleted += count
            if count < batch { return deleted }
        }
    }
}

extension CRM {
    package var events: EventService { EventService(crm: self) }
}
