import Storage

extension CRMMigrations {
    /// Migration 25: an invoice document's file carries its SHA-256 (hex) and content type. Files
    /// stored before get their digest computed here, one at a time so no more than one file is in
    /// memory; their content type follows the file name, as `invoice.attachDocument` guesses it.
    static func documentDigests(_ db: Database) throws {
        try db.executeScript("""
            ALTER TABLE invoice_documents ADD COLUMN sha256 TEXT;
            ALTER TABLE invoice_documents ADD COLUMN content_type TEXT;
            """)
        let stored = try db.query("SELECT id FROM invoice_documents WHERE data IS NOT NULL ORDER BY id").map { try $0.int64("id") }
        for id in stored {
            guard let row = try db.queryOne("SELECT file_name, data FROM invoice_documents WHERE id = ?", [.integer(id)]),
                  let data = try row.optionalBlob("data") else { continue }
            let contentType = InvoiceDocumentService.contentType(fileName: try row.optionalText("file_name"))
            try db.execute("UPDATE invoice_documents SET sha256 = ?, content_type = ? WHERE id = ?",
                           [.text(SHA256.hex(data)), .text(contentType), .integer(id)])
        }
    }
}
