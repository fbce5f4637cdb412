import Storage

/// The SQL of the export to 1C: which invoices changed after an event seq, and the marker 1C
/// acknowledged (`exchange_acknowledgements`).
enum ExportStore {
    /// Invoices with an event after `seq` (their own, their rows' or their payments'), in id order.
    static func invoicesChanged(_ db: Database, after seq: Int64) throws -> [Int64] {
        try db.query("""
            SELECT DISTINCT e.record_id AS id FROM events e JOIN invoices i ON i.id = e.record_id
            WHERE e.record_type = 'invoice' AND e.seq > ? ORDER BY e.record_id
            """, [.integer(seq)]).map { try $0.int64("id") }
    }

    /// Every invoice, in id order.
    static func allInvoices(_ db: Database) throws -> [Int64] {
        try db.query("SELECT id FROM invoices ORDER BY id").map { try $0.int64("id") }
    }

    /// Those of `ids` that are invoices.
    static func existing(_ db: Database, _ ids: [Int64]) throws -> Set<Int64> {
        guard !ids.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        return Set(try db.query("SELECT id FROM invoices WHERE id IN (\(marks))", ids.map { .integer($0) }).map { try $0.int64("id") })
    }

    /// The seq 1C acknowledged last (0 before the first acknowledgement).
    static func acknowledged(_ db: Database) throws -> Int64 {
        try db.queryOne("SELECT until FROM exchange_acknowledgements ORDER BY id DESC LIMIT 1")?.int64("until") ?? 0
    }

    static func acknowledge(_ db: Database, until: Int64, at: String, by user: Int64?) throws {
        try db.execute("INSERT INTO exchange_acknowledgements (until, at, by_user) VALUES (?, ?, ?)",
                       [.integer(until), .text(at), user.map { .integer($0) } ?? .null])
    }
}
