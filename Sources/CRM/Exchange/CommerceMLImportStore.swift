import Storage

/// The SQL of 1C's CommerceML import: every invoice as the matcher sees it, and the payments 1C
/// has already given one.
enum CommerceMLImportStore {
    struct Invoice {
        let id: Int64
        let number: String
        let date: String
    }

    static func invoices(_ db: Database) throws -> [Invoice] {
        try db.query("SELECT id, number, date FROM invoices ORDER BY id").map {
            Invoice(id: try $0.int64("id"), number: try $0.text("number"), date: try $0.text("date"))
        }
    }

    /// Whether the invoice has a payment from 1C with this reference.
    static func hasPayment(_ db: Database, invoiceID: Int64, reference: String) throws -> Bool {
        try db.queryOne("SELECT 1 AS found FROM invoice_payments WHERE invoice_id = ? AND source = '1c' AND reference = ?",
                        [.integer(invoiceID), .text(reference)]) != nil
    }
}
