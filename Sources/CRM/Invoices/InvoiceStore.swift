import JSONKit
import Storage

/// The SQL of invoices beyond their record row: status and paid amount, payments, and the
/// numbering sequences. The invoice row itself is written through `RecordStore`.
enum InvoiceStore {
    /// What a payment is checked against: the stored status, the total and what is paid so far;
    /// and the invoice's responsible and open mark, which its changes' events carry.
    struct Balance {
        let status: String
        let total: Int64
        let paid: Int64
        /// `paid` as stored, for the change that tells the new amount.
        let paidText: String
        let owner: RecordOwner
    }

    /// The invoice's balance, or nil if there is no such invoice; unreadable amounts throw `StoredDataError`.
    static func balance(_ db: Database, _ id: Int64) throws -> Balance? {
        guard let row = try db.queryOne("SELECT status, total, paid, assigned_to, opened FROM invoices WHERE id = ?", [.integer(id)]) else {
            return nil
        }
        return try StoredData.read("invoices", id) {
            let (status, total, paidText) = (try row.text("status"), try amount(try row.text("total"), "total"), try row.text("paid"))
            return Balance(status: status, total: total, paid: try amount(paidText, "paid"), paidText: paidText,
                           owner: RecordOwner(assignedTo: try row.optionalInt64("assigned_to"), opened: try row.bool("opened")))
        }
    }

    /// What a notification tells of an invoice.
    struct Notice {
        let id: Int64
        let number: String
        let total: String
        let currency: String
        let assignedTo: Int64?
        let dealID: Int64?
    }

    static func notice(_ db: Database, _ id: Int64) throws -> Notice? {
        try db.queryOne("SELECT number, total, currency, assigned_to, deal_id FROM invoices WHERE id = ?", [.integer(id)]).map { row in
            Notice(id: id, number: try row.text("number"), total: try row.text("total"), currency: try row.text("currency"),
                   assignedTo: try row.optionalInt64("assigned_to"), dealID: try row.optionalInt64("deal_id"))
        }
    }

    /// The status an invoice has stored (not the effective `overdue`), or nil if there is no such invoice.
    static func status(_ db: Database, _ id: Int64) throws -> String? {
        guard let row = try db.queryOne("SELECT status FROM invoices WHERE id = ?", [.integer(id)]) else { return nil }
        return try row.text("status")
    }

    /// The deal an invoice was made from, if it still has one.
    static func dealID(_ db: Database, _ id: Int64) throws -> Int64? {
        try db.scalar("SELECT deal_id FROM invoices WHERE id = ?", [.integer(id)]).int64
    }

    /// Whether the deal has an invoice that is not cancelled, and every such invoice is paid.
    static func everyInvoicePaid(_ db: Database, dealID: Int64) throws -> Bool {
        let row = try db.queryOne("""
            SELECT count(*) AS live, coalesce(sum(status = 'paid'), 0) AS paid FROM invoices WHERE deal_id = ? AND status != 'cancelled'
            """, [.integer(dealID)])
        let live = try row?.int64("live") ?? 0
        let paid = try row?.int64("paid") ?? 0
        return live > 0 && paid == live
    }

    /// The invoices of a deal as money: their status, due date, total and paid (cancelled ones left out).
    static func moneyRows(_ db: Database, dealID: Int64) throws -> [(id: Int64, status: String, dueDate: String?, total: Int64, paid: Int64)] {
        try db.query("SELECT id, status, due_date, total, paid FROM invoices WHERE deal_id = ? AND status != 'cancelled' ORDER BY id",
                     [.integer(dealID)]).map { row in
            let id = try row.int64("id")
            return try StoredData.read("invoices", id) {
                (id, try row.text("status"), try row.optionalText("due_date"), try amount(try row.text("total"), "total"),
                 try amount(try row.text("paid"), "paid"))
            }
        }
    }

    /// Stores a new status with a new version, and what is paid so far when `paid` is given (a
    /// payment changes both in one row write); returns the invoice's deal.
    /// (The deal is read by a second statement: `RETURNING` makes SQLite collect the returned
    /// rows in a temporary b-tree, which costs more than reading the row again.)
    static func setStatus(_ db: Database, id: Int64, _ status: String, paid: String? = nil, at now: String, by userID: Int64?) throws -> Int64? {
        try db.execute("""
            UPDATE invoices SET status = ?, paid = coalesce(?, paid), updated_at = ?, updated_by = ?, version = version + 1 WHERE id = ?
            """, [.text(status), SQLValue(paid), .text(now), SQLValue(userID), .integer(id)])
        return try dealID(db, id)
    }

    /// Inserts a payment of an invoice; returns its id.
    static func insertPayment(_ db: Database, invoiceID: Int64, amount: String, date: String, reference: String?, source: String,
                              at now: String, by userID: Int64?) throws -> Int64 {
        try db.execute("INSERT INTO invoice_payments (invoice_id, amount, date, reference, source, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [.integer(invoiceID), .text(amount), .text(date), SQLValue(reference), .text(source), .text(now), SQLValue(userID)])
        return db.lastInsertRowID
    }

    /// The payments of an invoice in the order they came, as `invoice.get` shows them.
    static func payments(_ db: Database, invoiceID: Int64) throws -> [JSON] {
        try db.query("SELECT id, amount, date, reference, source, created_at FROM invoice_payments WHERE invoice_id = ? ORDER BY id",
                     [.integer(invoiceID)]).map { row -> JSON in
            ["id": .int(try row.int64("id")), "amount": .string(try row.text("amount")), "date": .string(try row.text("date")),
             "reference": try row.optionalText("reference").map(JSON.string) ?? .null, "source": .string(try row.text("source")),
             "createdAt": .string(try row.text("created_at"))]
        }
    }

    /// Moves the numbering sequence `key` on by one and returns its new value; inside the
    /// creating transaction, so a failed creation gives the number back.
    static func nextNumber(_ db: Database, sequence key: String) throws -> Int64 {
        try db.execute("INSERT INTO invoice_sequences (key, last) VALUES (?, 1) ON CONFLICT (key) DO UPDATE SET last = last + 1",
                       [.text(key)])
        return try db.scalar("SELECT last FROM invoice_sequences WHERE key = ?", [.text(key)]).int64 ?? 1
    }

    /// Records how a payment's purpose names the invoice (`invoice_number_keys`).
    static func setNumberKey(_ db: Database, invoiceID: Int64, key: PaymentMatcher.NumberKey) throws {
        try db.execute("INSERT OR REPLACE INTO invoice_number_keys (invoice_id, sequence, year) VALUES (?, ?, ?)",
                       [.integer(invoiceID), .integer(key.sequence), key.year.map { .integer(Int64($0)) } ?? .null])
    }

    /// A stored amount in kopecks; one that does not parse is unreadable stored data, not zero.
    static func amount(_ text: String?, _ column: String) throws -> Int64 {
        guard let text, let money = Money.parse(text) else { throw StoredData.Problem("\(column): '\(text ?? "null")' is not an amount") }
        return money.minor
    }
}
