import Foundation
import Storage
import Testing
@testable import CRM

/// Migration 25 on a database made by migration 24: documents stored with a file gain the file's
/// SHA-256 and a content type from its name; documents without a file keep both null.
@Suite struct InvoiceDocumentMigrationTests {
    @Test func storedFilesGainTheirDigestAndContentType() throws {
        let database = try OldDatabase(version: 24)
        defer { database.remove() }
        let old = database.pool, path = database.path
        #expect(old.schemaVersion == 24)
        let pdf = Array("%PDF-1.4 Акт".utf8)
        try old.write { db in
            try db.execute("""
                INSERT INTO invoices (id, number, date, status, currency, payer, seller, rows, totals, total, amount_in_words, created_at, updated_at)
                VALUES (1, '2026-00001', '2026-11-29', 'draft', 'RUB', '{}', '{}', '[]', '{}', '100.00', 'сто рублей',
                        '2026-11-29T10:00:00Z', '2026-11-29T10:00:00Z')
                """)
            let documents: [(String, String?, [UInt8]?)] = [("А-1", "act.PDF", pdf), ("А-2", "scan", [0, 1, 2]), ("А-3", nil, nil)]
            for (number, fileName, data) in documents {
                try db.execute("""
                    INSERT INTO invoice_documents (invoice_id, kind, number, date, file_name, data, size, source, created_at)
                    VALUES (1, 'act', ?, '2026-11-30', ?, ?, ?, 'manual', '2026-11-30T10:00:00Z')
                    """, [.text(number), SQLValue(fileName), data.map { .blob($0) } ?? .null, data.map { .integer(Int64($0.count)) } ?? .null])
            }
        }
        old.close()

        let crm = try CRM(path: path, clock: ManualClock(1_795_000_000), synchronousFull: false)
        defer { crm.close() }
        let items = try crm.invoiceDocuments.documents(invoiceID: 1)["items"]?.arrayValue ?? []
        #expect(items.map { $0["sha256"] } == [.string(SHA256.hex(pdf)), .string(SHA256.hex([0, 1, 2])), .null])
        #expect(items.map { $0["contentType"] } == ["application/pdf", "application/octet-stream", .null])
        #expect(SHA256.hex(pdf).count == 64)
    }
}
