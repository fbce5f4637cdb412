import Storage

/// The SQL of the event log (`events`).
enum EventStore {
    static func insert(_ db: Database, topic: String, audience: String, record: RecordRef?, owner: RecordOwner?, at: String,
                       body: String) throws -> Int64 {
        try db.execute("""
            INSERT INTO events (topic, audience, record_type, record_id, assigned_to, opened, at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(topic), .text(audience), SQLValue(record?.type.rawValue), SQLValue(record?.id), SQLValue(owner?.assignedTo),
                  .integer(owner?.opened == true ? 1 : 0), .text(at), .text(body)])
        return db.lastInsertRowID
    }

    /// The first and last `seq` kept (nil when the log is empty), and the last ever given.
    static func bounds(_ db: Database) throws -> (first: Int64?, last: Int64?, lastGiven: Int64) {
        let row = try db.queryOne("SELECT min(seq) AS first, max(seq) AS last FROM events")
        let given = try db.queryOne("SELECT seq FROM sqlite_sequence WHERE name = 'events'")?.optionalInt64("seq") ?? 0
        return (try row?.optionalInt64("first"), try row?.optionalInt64("last"), given)
    }

    /// Up to `limit` events after `after` meeting `conditions` (on alias `e`), in `seq` order.
    static func page(_ db: Database, after: Int64, limit: Int, conditions: [String], arguments: [SQLValue]) throws -> [Row] {
        let filter = ([ "e.seq > ?" ] + conditions).joined(separator: " AND ")
        return try db.query("""
            SELECT e.seq AS seq, e.topic AS topic, e.audience AS audience, e.assigned_to AS assigned_to, e.opened AS opened, e.body AS body
            FROM events AS e WHERE \(filter) ORDER BY e.seq LIMIT ?
            """, [.integer(after)] + arguments + [.integer(Int64(limit))])
    }

    /// Deletes events made before `cutoff`, none after seq `keepingAfter`; returns how many.
    static func deleteBefore(_ db: Database, _ cutoff: String, keepingAfter: Int64?) throws -> Int {
        try db.execute("DELETE FROM events WHERE seq <= min((SELECT max(seq) FROM events WHERE at < ?), ?)",
                       [.text(cutoff), .integer(keepingAfter ?? Int64.max)])
        return db.changes
    }
}
