import Foundation
import Storage
import Testing
@testable import CRM

/// How a payment's purpose names an invoice (`invoice_number_keys`, migration 26): the keys of
/// invoices stored before the migration are read with the format set then; a new invoice's key
/// comes from the numbering that made it and reads the same as its number does.
@Suite struct InvoiceNumberKeyTests {
    @Test func migrationReadsStoredNumbersWithTheFormatSetThen() throws {
        let database = try OldDatabase(version: 25)
        defer { database.remove() }
        let old = database.pool, path = database.path
        #expect(old.schemaVersion == 25)
        try old.write { db in
            try SettingsStore.save(db, ["invoiceNumberFormat": "СЧ-{N:4}/{YY}"])
            // Made under the format set now, under an earlier one, and a number with no digits.
            for (id, number, date, status) in [(1, "СЧ-0015/26", "2026-11-29", "sent"), (2, "2025-00007", "2025-12-30", "draft"),
                                               (3, "Б/Н", "2026-11-29", "sent"), (4, "СЧ-0016/26", "2026-11-30", "paid")] {
                try db.execute("""
                    INSERT INTO invoices (id, number, date, status, currency, payer, seller, rows, totals, total, amount_in_words, created_at, updated_at)
                    VALUES (?, ?, ?, ?, 'RUB', '{}', '{}', '[]', '{}', '100.00', 'сто рублей', '2026-11-29T10:00:00Z', '2026-11-29T10:00:00Z')
                    """, [.integer(Int64(id)), .text(number), .text(date), .text(status)])
            }
        }
        old.close()

        let crm = try CRM(path: path, clock: ManualClock(1_795_000_000), synchronousFull: false)
        defer { crm.close() }
        try crm.pool.read { db in
            let keys = try db.query("SELECT invoice_id, sequence, year FROM invoice_number_keys ORDER BY invoice_id").map {
                [try $0.int64("invoice_id"), try $0.int64("sequence"), try $0.optionalInt64("year") ?? -1]
            }
            #expect(keys == [[1, 15, 2026], [2, 7, 2025], [4, 16, 2026]])
            // «сч.15» finds the open invoice; «сч 2025-7» the one of the earlier format; a paid
            // invoice is not among those a payment can still pay.
            #expect(try BankImportService.invoices(db, named: PaymentMatcher.numbers(in: "Оплата по сч.15")).map(\.id) == [1])
            #expect(try BankImportService.invoices(db, named: PaymentMatcher.numbers(in: "по сч 2025-7")).map(\.id) == [2])
            #expect(try BankImportService.invoices(db, named: PaymentMatcher.numbers(in: "по сч 2025-15")).isEmpty)
            #expect(try BankImportService.invoices(db, named: PaymentMatcher.numbers(in: "счет 16 от 30.11.2026")).isEmpty)
        }
    }

    @Test(arguments: ["{YYYY}-{N:5}", "СЧ-{N:4}/{YY}", "{N}", "{N}{YY}", "A{N:2}-{YYYY}"])
    func aNewNumbersKeyReadsAsTheNumberDoes(format: String) throws {
        let fixture = try CRMFixture()
        try fixture.crm.pool.write { db in
            for date in ["2026-11-29", "2026-12-31", "2027-01-01", "2026-05-05"] {
                for _ in 0..<3 {
                    let (number, key) = try InvoiceNumbering.next(db, format: format, date: date)
                    #expect(PaymentMatcher.NumberFormat(format).key(ofInvoice: number, date: date) == key, "\(number) of \(date)")
                }
            }
        }
    }
}
