import JSONKit
import Storage

/// Who changed what and when, per record. Entries are written inside the transaction of the
/// change they describe, so the timeline never disagrees with the record.
package struct TimelineService: Sendable {
    let crm: CRM

    /// Kinds of entries.
    package enum Kind: String, Sendable {
        case created, updated, stageChanged, comment, deleted, converted, document, message, requisite, merged
    }

    static func append(_ db: Database, _ entityType: EntityType, _ entityID: Int64, _ kind: Kind,
                       author: Int64?, at: String, data: JSON = .object([:])) throws {
        try db.execute("INSERT INTO timeline (entity_type, entity_id, type, at, author_id, data) VALUES (?, ?, ?, ?, ?, ?)",
                       [.text(entityType.rawValue), .integer(entityID), .text(kind.rawValue), .text(at),
                        SQLValue(author), .text(data.text)])
    }

    /// Gives a merged record's history to the record it was merged into.
    static func move(_ db: Database, from source: RecordRef, to target: RecordRef) throws {
        try db.execute("UPDATE timeline SET entity_id = ? WHERE entity_type = ? AND entity_id = ?",
                       [.integer(target.id), .text(source.type.rawValue), .integer(source.id)])
    }

    /// Entries newest first; `cursor` is the `next` of the previous page.
    package func list(entityType: EntityType, id: Int64, limit: Int, cursor: String?) throws -> JSON {
        var before = Int64.max
        if let cursor {
            guard let value = Int64(cursor), value > 0 else { throw CRMError.invalidParam("/cursor", "not a cursor from this list") }
            before = value
        }
        return try crm.pool.read { db in
            try RecordService.requireExists(db, entityType.descriptor, id)
            let rows = try db.query("""
                SELECT id, type, at, author_id, data FROM timeline
                WHERE entity_type = ? AND entity_id = ? AND id < ? ORDER BY id DESC LIMIT ?
                """, [.text(entityType.rawValue), .integer(id), .integer(before), .integer(Int64(limit + 1))])
            let page = try rows.prefix(limit).map { row -> JSON in
                try StoredData.read("timeline", row["id"].int64.map(String.init) ?? "?") {
                    [
                        "id": .int(try row.int64("id")), "entityType": .string(entityType.rawValue), "entityId": .int(id),
                        "type": .string(try StoredData.enumCase(try row.text("type"), "type", as: Kind.self).rawValue),
                        "at": .string(try row.text("at")),
                        "authorId": try row.optionalInt64("author_id").map(JSON.int) ?? .null,
                        "data": .object(try StoredData.object(try row.text("data"), "data")),
                    ]
                }
            }
            let next: JSON = rows.count > limit ? .string(String(page.last?["id"]?.int64Value ?? 0)) : .null
            return ["items": .array(page), "next": next]
        }
    }

    /// Adds a comment to a record's timeline.
    package func comment(entityType: EntityType, id: Int64, text: String, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            try RecordService.requireExists(db, entityType.descriptor, id)
            let at = crm.nowText
            try crm.apply(Change(ChangeEntity(entityType), id: .int(id), .commented, by: caller, at: at, data: ["text": .string(text)]), in: db)
            let entryID = try db.scalar("""
                SELECT id FROM timeline WHERE entity_type = ? AND entity_id = ? AND type = 'comment' ORDER BY id DESC LIMIT 1
                """, [.text(entityType.rawValue), .integer(id)]).int64 ?? 0
            return [
                "id": .int(entryID), "entityType": .string(entityType.rawValue), "entityId": .int(id), "type": "comment",
                "at": .string(at), "authorId": caller.userID.map(JSON.int) ?? .null, "data": ["text": .string(text)],
            ]
        }
    }
}

extension CRM {
    package var timeline: TimelineService { TimelineService(crm: self) }
}
