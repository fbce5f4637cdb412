import Foundation
import JSONKit
import Storage

/// The SQL of documents attached to invoices (`invoice_documents`, migrations 24 and 25).
enum InvoiceDocumentStore {
    struct New {
        let invoiceID: Int64
        let kind: String
        let number: String
        let date: String?
        let fileName: String?
        let data: [UInt8]?
        let sha256: String?
        let contentType: String?
        let source: String
    }

    /// The document of `invoiceID` with this kind, number and date, if one is attached.
    static func existing(_ db: Database, invoiceID: Int64, kind: String, number: String, date: String?) throws -> Int64? {
        try db.queryOne("SELECT id FROM invoice_documents WHERE invoice_id = ? AND kind = ? AND number = ? AND coalesce(date, '') = ?",
                        [.integer(invoiceID), .text(kind), .text(number), .text(date ?? "")])?.int64("id")
    }

    static func insert(_ db: Database, _ document: New, at now: String, by userID: Int64?) throws -> Int64 {
        try db.execute("""
            INSERT INTO invoice_documents (invoice_id, kind, number, date, file_name, data, size, sha256, content_type, source, created_at,
                                           created_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.integer(document.invoiceID), .text(document.kind), .text(document.number), SQLValue(document.date), SQLValue(document.fileName),
                  document.data.map { .blob($0) } ?? .null, document.data.map { .integer(Int64($0.count)) } ?? .null,
                  SQLValue(document.sha256), SQLValue(document.contentType), .text(document.source), .text(now), SQLValue(userID)])
        return db.lastInsertRowID
    }

    /// The documents of an invoice in the order they were attached, without their files.
    static func list(_ db: Database, invoiceID: Int64) throws -> [JSON] {
        try db.query("""
            SELECT id, invoice_id, kind, number, date, file_name, size, sha256, content_type, source, created_at FROM invoice_documents
            WHERE invoice_id = ? ORDER BY id
            """, [.integer(invoiceID)]).map(json)
    }

    /// One document of an invoice with its file (`data` in base64, null when none was attached).
    static func get(_ db: Database, invoiceID: Int64, id: Int64) throws -> JSON? {
        guard let row = try db.queryOne("""
            SELECT id, invoice_id, kind, number, date, file_name, size, sha256, content_type, source, created_at, data FROM invoice_documents
            WHERE invoice_id = ? AND id = ?
            """, [.integer(invoiceID), .integer(id)]) else { return nil }
        guard case .object(var object) = try json(row) else { return nil }
        object["data"] = try row.optionalBlob("data").map { .string(Data($0).base64EncodedString()) } ?? .null
        return .object(object)
    }

    private static func json(_ row: Row) throws -> JSON {
        ["id": .int(try row.int64("id")), "invoiceId": .int(try row.int64("invoice_id")), "kind": .string(try row.text("kind")),
         "number": .string(try row.text("number")), "date": try row.optionalText("date").map(JSON.string) ?? .null,
         "fileName": try row.optionalText("file_name").map(JSON.string) ?? .null,
         "size": try row.optionalInt64("size").map(JSON.int) ?? .null,
         "sha256": try row.optionalText("sha256").map(JSON.string) ?? .null,
         "contentType": try row.optionalText("content_type").map(JSON.string) ?? .null, "source": .string(try row.text("source")),
         "createdAt": .string(try row.text("created_at"))]
    }
}
