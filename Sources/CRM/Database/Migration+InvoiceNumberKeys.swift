import Storage

extension CRMMigrations {
    /// Migration 26: each invoice's number as a payment's purpose names it (`PaymentMatcher`):
    /// its sequence number and, when the numbering format holds the year, the year. A bank
    /// statement finds the invoices «сч.15» may mean by this index instead of reading every open
    /// invoice. New invoices get their key from the numbering that made them; the invoices
    /// already stored are read here with the format set now, as the matcher read them before.
    static func invoiceNumberKeys(_ db: Database) throws {
        try db.executeScript("""
            CREATE TABLE invoice_number_keys (
                invoice_id INTEGER PRIMARY KEY REFERENCES invoices(id) ON DELETE CASCADE,
                sequence INTEGER NOT NULL,
                year INTEGER
            );
            CREATE INDEX invoice_number_keys_by_sequence ON invoice_number_keys (sequence);
            """)
        let numbering = PaymentMatcher.NumberFormat(try SettingsService.load(db)["invoiceNumberFormat"]?.stringValue ?? "{YYYY}-{N:5}")
        try db.forEach("SELECT id, number, date FROM invoices ORDER BY id") { row in
            guard let key = numbering.key(ofInvoice: try row.text("number"), date: try row.text("date")) else { return }
            try InvoiceStore.setNumberKey(db, invoiceID: try row.int64("id"), key: key)
        }
    }
}
