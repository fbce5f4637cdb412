import Storage

/// The SQL of 1C's CommerceML import: the invoices a document may name, found by index (by id,
/// by number as written, by the numbers' keys of `invoice_number_keys`), and the payments 1C has
/// already given one.
enum CommerceMLImportStore {
    struct Invoice {
        let id: Int64
        let number: String
        /// The number as payments name it (`invoice_number_keys`), nil for a number without digits.
        let key: PaymentMatcher.NumberKey?
    }

    private static let columns = "i.id, i.number, k.sequence, k.year FROM invoices i LEFT JOIN invoice_number_keys k ON k.invoice_id = i.id"

    /// The invoice with this id, if there is one.
    static func invoice(_ db: Database, id: Int64) throws -> Invoice? {
        try invoices(db, "SELECT \(columns) WHERE i.id = ?", [.integer(id)]).first
    }

    /// The invoices whose number is one of `numbers`, exactly.
    static func invoices(_ db: Database, numbered numbers: Set<String>) throws -> [Invoice] {
        guard !numbers.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: numbers.count).joined(separator: ", ")
        return try invoices(db, "SELECT \(columns) WHERE i.number IN (\(marks)) ORDER BY i.id", numbers.sorted().map { .text($0) })
    }

    /// Every invoice whose number's sequence is `sequence`, whatever its status.
    static func invoices(_ db: Database, sequence: Int64) throws -> [Invoice] {
        try invoices(db, """
            SELECT i.id, i.number, k.sequence, k.year FROM invoice_number_keys k JOIN invoices i ON i.id = k.invoice_id
            WHERE k.sequence = ? ORDER BY i.id
            """, [.integer(sequence)])
    }

    private static func invoices(_ db: Database, _ sql: String, _ arguments: [SQLValue]) throws -> [Invoice] {
        try db.query(sql, arguments).map { row in
            let id = try row.int64("id")
            return try StoredData.read("invoices", id) {
                let (sequence, year) = (try row.optionalInt64("sequence"), try row.optionalInt64("year"))
                return Invoice(id: id, number: try row.text("number"),
                               key: sequence.map { PaymentMatcher.NumberKey(sequence: $0, year: year.map { Int($0) }) })
            }
        }
    }

    /// Whether the invoice has a payment from 1C with this reference.
    static func hasPayment(_ db: Database, invoiceID: Int64, reference: String) throws -> Bool {
        try db.queryOne("SELECT 1 AS found FROM invoice_payments WHERE invoice_id = ? AND source = '1c' AND reference = ?",
                        [.integer(invoiceID), .text(reference)]) != nil
    }
}
