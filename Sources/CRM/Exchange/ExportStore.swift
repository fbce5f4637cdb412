import Storage

/// The SQL of the export to 1C: which invoices changed after an event seq, and the marker 1C
/// acknowledged (`exchange_acknowledgements`).
enum ExportStore {
    /// Up to `limit` invoices with an event after `seq` (their own, their rows' or their
    /// payments') and an id above `afterID`, in id order: one page of an export's selection.
    static func invoicesChanged(_ db: Database, after seq: Int64, afterID: Int64, limit: Int) throws -> [Int64] {
        var ids: [Int64] = []
        try db.forEachRaw("""
            SELECT DISTINCT e.record_id FROM events e JOIN invoices i ON i.id = e.record_id
            WHERE e.record_type = 'invoice' AND e.record_id > ? AND e.seq > ? ORDER BY e.record_id LIMIT ?
            """, [.integer(afterID), .integer(seq), .integer(Int64(limit))]) { ids.append($0.int64(0)) }
        return ids
    }

    /// Up to `limit` invoices with an id above `afterID`, in id order.
    static func invoices(_ db: Database, afterID: Int64, limit: Int) throws -> [Int64] {
        var ids: [Int64] = []
        try db.forEachRaw("SELECT id FROM invoices WHERE id > ? ORDER BY id LIMIT ?", [.integer(afterID), .integer(Int64(limit))]) {
            ids.append($0.int64(0))
        }
        return ids
    }

    /// What the export writes of one invoice, as stored (`payer`, `rows` and `totals` as JSON text).
    struct Stored {
        let id: Int64
        let number, date, status, currency, total, payer, rows, totals: String
        let dueDate: String?
    }

    /// The invoices `ids` as stored, in id order.
    static func invoices(_ db: Database, ids: [Int64]) throws -> [Stored] {
        guard !ids.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        return try db.query("""
            SELECT id, number, date, due_date, status, currency, total, payer, rows, totals FROM invoices WHERE id IN (\(marks)) ORDER BY id
            """, ids.map { .integer($0) }).map { row in
            let id = try row.int64("id")
            return try StoredData.read("invoices", id) {
                Stored(id: id, number: try row.text("number"), date: try row.text("date"), status: try row.text("status"),
                       currency: try row.text("currency"), total: try row.text("total"), payer: try row.text("payer"),
                       rows: try row.text("rows"), totals: try row.text("totals"), dueDate: try row.optionalText("due_date"))
            }
        }
    }

    /// The last payment (by id) of each of the invoices `ids` that has one: its date and reference.
    static func lastPayments(_ db: Database, ids: [Int64]) throws -> [Int64: (date: String, reference: String?)] {
        guard !ids.isEmpty else { return [:] }
        let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        var last: [Int64: (date: String, reference: String?)] = [:]
        for row in try db.query("""
            SELECT invoice_id, date, reference FROM invoice_payments WHERE id IN
                (SELECT max(id) FROM invoice_payments WHERE invoice_id IN (\(marks)) GROUP BY invoice_id)
            """, ids.map { .integer($0) }) {
            last[try row.int64("invoice_id")] = (try row.text("date"), try row.optionalText("reference"))
        }
        return last
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
