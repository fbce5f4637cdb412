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

    /// The seq of the oldest event made at or after `cutoff` (nil: none is). Events are appended
    /// in time order, so this walks the log from its oldest row and stops there: it reads only
    /// the rows retention drops, and the log needs no index on time.
    static func firstKept(_ db: Database, _ cutoff: String) throws -> Int64? {
        try db.queryOne("SELECT seq FROM events WHERE at >= ? ORDER BY seq LIMIT 1", [.text(cutoff)])?.int64("seq")
    }

    /// Deletes up to `limit` of the oldest events with a seq below `bound`; returns how many.
    static func deleteOldest(_ db: Database, below bound: Int64, limit: Int) throws -> Int {
        try db.execute("DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE seq < ? ORDER BY seq LIMIT ?)",
                       [.integer(bound), .integer(Int64(limit))])
        return db.changes
    }
}
