import JSONKit
import Storage

/// The SQL of bank statement payments (`bank_payments`), our own accounts, and the open
/// invoices a payment is matched against.
enum BankPaymentStore {
    /// A stored payment.
    struct Row {
        let id: Int64
        let date: String
        let number: String
        let amount: String
        let payerAccount: String
        let payerINN: String?
        let payerName: String?
        let recipientAccount: String
        let purpose: String
        let receivedOn: String?
        let status: String
        let invoiceID: Int64?
        let ignoreReason: String?
    }

    /// The accounts of the requisites of our own companies (`isMyCompany`).
    static func ourAccounts(_ db: Database) throws -> Set<String> {
        Set(try db.query("""
            SELECT b.account FROM bank_details b JOIN requisites r ON r.id = b.requisite_id
            JOIN companies c ON r.entity_type = 'company' AND c.id = r.entity_id WHERE c.is_my_company = 1
            """).map { try $0.text("account") })
    }

    /// An invoice a payment can still be added to: draft, sent or partly paid. Written as
    /// equalities: for an `IN` list of three or more constants SQLite builds a temporary b-tree
    /// each time the statement runs, which a bank statement's import would do for every payment.
    static let isOpen = "(i.status = 'draft' OR i.status = 'sent' OR i.status = 'partiallyPaid')"

    /// The open invoices whose number reads as `sequence`, by the number keys' index: one per
    /// year of the format's sequences at most.
    static func openInvoices(_ db: Database, sequence: Int64) throws -> [PaymentMatcher.Invoice] {
        try invoices(db, """
            SELECT i.id, i.number, i.date, i.payer_inn, i.total, i.paid, k.sequence, k.year
            FROM invoice_number_keys k JOIN invoices i ON i.id = k.invoice_id
            WHERE k.sequence = ? AND \(isOpen)
            """, [.integer(sequence)])
    }

    /// The payer's newest `limit` open invoices.
    static func openInvoices(_ db: Database, payerINN: String, limit: Int) throws -> [PaymentMatcher.Invoice] {
        try invoices(db, """
            SELECT i.id, i.number, i.date, i.payer_inn, i.total, i.paid, k.sequence, k.year
            FROM invoices i LEFT JOIN invoice_number_keys k ON k.invoice_id = i.id
            WHERE i.payer_inn = ? AND \(isOpen) ORDER BY i.id DESC LIMIT ?
            """, [.text(payerINN), .integer(Int64(limit))])
    }

    /// The newest `limit` open invoices with nothing paid whose total is `amount` kopecks, and
    /// the newest `limit` partly paid ones (the caller keeps those whose due is the amount).
    static func openInvoices(_ db: Database, amount: Int64, limit: Int) throws -> [PaymentMatcher.Invoice] {
        try invoices(db, """
            SELECT i.id, i.number, i.date, i.payer_inn, i.total, i.paid, k.sequence, k.year
            FROM invoices i LEFT JOIN invoice_number_keys k ON k.invoice_id = i.id
            WHERE i.total_kopecks = ? AND i.status IN ('draft', 'sent') ORDER BY i.id DESC LIMIT ?
            """, [.integer(amount), .integer(Int64(limit))])
        + invoices(db, """
            SELECT i.id, i.number, i.date, i.payer_inn, i.total, i.paid, k.sequence, k.year
            FROM invoices i LEFT JOIN invoice_number_keys k ON k.invoice_id = i.id
            WHERE i.status = 'partiallyPaid' ORDER BY i.id DESC LIMIT ?
            """, [.integer(Int64(limit))])
    }

    private static func invoices(_ db: Database, _ sql: String, _ arguments: [SQLValue]) throws -> [PaymentMatcher.Invoice] {
        try db.query(sql, arguments).map { row in
            let id = try row.int64("id")
            return try StoredData.read("invoices", id) {
                let (sequence, year) = (try row.optionalInt64("sequence"), try row.optionalInt64("year"))
                return PaymentMatcher.Invoice(
                    id: id, number: try row.text("number"), date: try row.text("date"), payerINN: try row.optionalText("payer_inn"),
                    due: try InvoiceStore.amount(try row.text("total"), "total") - InvoiceStore.amount(try row.text("paid"), "paid"),
                    key: sequence.map { PaymentMatcher.NumberKey(sequence: $0, year: year.map { Int($0) }) })
            }
        }
    }

    /// The id of the payment with this identity, if one is stored.
    static func existing(_ db: Database, date: String, number: String, amount: String, payerAccount: String) throws -> Int64? {
        try db.scalar("SELECT id FROM bank_payments WHERE date = ? AND number = ? AND amount = ? AND payer_account = ?",
                      [.text(date), .text(number), .text(amount), .text(payerAccount)]).int64
    }

    /// Stores a new payment, `matched` to the invoice payment made of it or else `unmatched`; returns its id.
    static func insert(_ db: Database, _ document: BankStatement.Document, amount: String, matched: (invoiceID: Int64, invoicePaymentID: Int64)?,
                       at now: String, by userID: Int64?) throws -> Int64 {
        try db.execute("""
            INSERT INTO bank_payments (date, number, amount, payer_account, payer_inn, payer_name, recipient_account, purpose, received_on,
                                       status, invoice_id, invoice_payment_id, created_at, created_by, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(document.date), .text(document.number), .text(amount), .text(document.payerAccount), SQLValue(document.payerINN),
                  SQLValue(document.payerName), .text(document.recipientAccount), .text(document.purpose), SQLValue(document.receivedOn),
                  .text(matched == nil ? "unmatched" : "matched"), SQLValue(matched?.invoiceID), SQLValue(matched?.invoicePaymentID),
                  .text(now), SQLValue(userID), .text(now)])
        return db.lastInsertRowID
    }

    static func setMatched(_ db: Database, id: Int64, invoiceID: Int64, invoicePaymentID: Int64, at now: String) throws {
        try db.execute("UPDATE bank_payments SET status = 'matched', invoice_id = ?, invoice_payment_id = ?, updated_at = ? WHERE id = ?",
                       [.integer(invoiceID), .integer(invoicePaymentID), .text(now), .integer(id)])
    }

    static func setIgnored(_ db: Database, id: Int64, reason: String?, at now: String) throws {
        try db.execute("UPDATE bank_payments SET status = 'ignored', ignore_reason = ?, updated_at = ? WHERE id = ?",
                       [SQLValue(reason), .text(now), .integer(id)])
    }

    static func get(_ db: Database, _ id: Int64) throws -> Row? {
        try db.queryOne("SELECT * FROM bank_payments WHERE id = ?", [.integer(id)]).map(row)
    }

    /// Unmatched payments with an id above `after`, oldest first.
    static func unmatched(_ db: Database, after: Int64, limit: Int) throws -> [Row] {
        try db.query("SELECT * FROM bank_payments WHERE status = 'unmatched' AND id > ? ORDER BY id LIMIT ?",
                     [.integer(after), .integer(Int64(limit))]).map(row)
    }

    private static func row(_ row: Storage.Row) throws -> Row {
        Row(id: try row.int64("id"), date: try row.text("date"), number: try row.text("number"), amount: try row.text("amount"),
            payerAccount: try row.text("payer_account"), payerINN: try row.optionalText("payer_inn"), payerName: try row.optionalText("payer_name"),
            recipientAccount: try row.text("recipient_account"), purpose: try row.text("purpose"), receivedOn: try row.optionalText("received_on"),
            status: try row.text("status"), invoiceID: try row.optionalInt64("invoice_id"),
            ignoreReason: try row.optionalText("ignore_reason"))
    }
}
