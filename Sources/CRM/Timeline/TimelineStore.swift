import JSONKit
import Storage

/// The SQL of the timeline: entries per record, newest first by id.
enum TimelineStore {
    static func append(_ db: Database, _ record: RecordRef, _ kind: TimelineService.Kind, author: Int64?, at: String, data: JSON) throws {
        try db.execute("INSERT INTO timeline (entity_type, entity_id, type, at, author_id, data) VALUES (?, ?, ?, ?, ?, ?)",
                       [.text(record.type.rawValue), .integer(record.id), .text(kind.rawValue), .text(at), SQLValue(author), .text(data.text)])
    }

    /// Gives every entry of `source` to `target`.
    static func move(_ db: Database, from source: RecordRef, to target: RecordRef) throws {
        try db.execute("UPDATE timeline SET entity_id = ? WHERE entity_type = ? AND entity_id = ?",
                       [.integer(target.id), .text(source.type.rawValue), .integer(source.id)])
    }

    /// Up to `limit` entries of `record` with ids below `before`, newest first, in their API form;
    /// `more` tells whether older entries remain.
    static func page(_ db: Database, _ record: RecordRef, before: Int64, limit: Int) throws -> (entries: [JSON], more: Bool) {
        let rows = try db.query("""
            SELECT id, type, at, author_id, data FROM timeline
            WHERE entity_type = ? AND entity_id = ? AND id < ? ORDER BY id DESC LIMIT ?
            """, [.text(record.type.rawValue), .integer(record.id), .integer(before), .integer(Int64(limit + 1))])
        let entries = try rows.prefix(limit).map { row -> JSON in
            try StoredData.read("timeline", row["id"].int64.map(String.init) ?? "?") {
                [
                    "id": .int(try row.int64("id")), "entityType": .string(record.type.rawValue), "entityId": .int(record.id),
                    "type": .string(try StoredData.enumCase(try row.text("type"), "type", as: TimelineService.Kind.self).rawValue),
                    "at": .string(try row.text("at")),
                    "authorId": try row.optionalInt64("author_id").map(JSON.int) ?? .null,
                    "data": .object(try StoredData.object(try row.text("data"), "data")),
                ]
            }
        }
        return (entries, rows.count > limit)
    }

    /// The id of the newest comment on `record`.
    static func latestCommentID(_ db: Database, _ record: RecordRef) throws -> Int64? {
        try db.queryOne("""
            SELECT id FROM timeline WHERE entity_type = ? AND entity_id = ? AND type = 'comment' ORDER BY id DESC LIMIT 1
            """, [.text(record.type.rawValue), .integer(record.id)])?.int64("id")
    }
}
