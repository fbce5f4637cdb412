import Foundation
import JSONKit
import Storage

/// Bank statements (S26): `exchange.importPayments` reads a 1CClientBankExchange file, keeps
/// the incoming payments to our accounts and matches each to an invoice (`PaymentMatcher`); a
/// unique confident match is added to the invoice in the same write, anything else waits in
/// the review list (`payment.unmatched`) for `payment.match` or `payment.ignore`. A payment's
/// identity is its date, number, amount and payer account: a statement imported again adds
/// nothing again.
package struct BankImportService: Sendable {
    let crm: CRM

    /// Where a statement's bytes come from.
    package enum Source: Sendable {
        /// The file's content, as given in the call.
        case bytes([UInt8])
        /// A file under the config file's `importDirs`.
        case path(String)
    }

    /// The largest statement read: far beyond a year of a busy account's statements.
    static let maximumBytes = 32 << 20

    /// `exchange.importPayments`; `paymentsPerWrite` is for tests.
    package func importPayments(format: String, source: Source, by caller: Caller, paymentsPerWrite: Int = Self.paymentsPerWrite) throws -> JSON {
        if format == "commerceml" { return try crm.commerceMLImport.importDocuments(source: source, by: caller) }
        guard format == "1c-bank" else {
            throw CRMError.invalidValue(field: "format", reason: "option", message: "the payment formats are 1c-bank and commerceml")
        }
        let (bytes, field) = try read(source)
        let statement: BankStatement
        do {
            statement = try BankStatement.parse(bytes)
        } catch {
            throw CRMError.invalidValue(field: field, reason: error.reason, message: "line \(error.line): \(error.message)")
        }
        var items: [JSON] = []
        var (matched, unmatched, duplicates) = (0, 0, 0)
        // The invoice numbers the purposes name need no database: they are read on another
        // thread while the writer applies the payments before them.
        let documents = statement.documents
        let named = ReadAhead(count: documents.count) { PaymentMatcher.numbers(in: documents[$0].purpose) }
        // A write per `paymentsPerWrite` payments: other writers get their turn between them, and
        // the WAL is checkpointed and reused as it goes instead of growing by the whole statement.
        // Should one fail, the payments of the writes before it stand and the same statement
        // imported again applies the rest (those count as duplicates): an import resumes.
        var start = 0
        while start < documents.count {
            let chunk = documents[start..<min(start + max(paymentsPerWrite, 1), documents.count)]
            start += chunk.count
            try crm.pool.write { db in
                let ours = try BankPaymentStore.ourAccounts(db)
                for index in chunk.indices {
                    let document = chunk[index]
                    // Incoming to one of our accounts, and not a transfer between two of them.
                    guard ours.contains(document.recipientAccount), !ours.contains(document.payerAccount) else {
                        items.append(["paymentId": .null, "status": "skipped", "number": .string(document.number), "date": .string(document.date)])
                        continue
                    }
                    let amount = DecimalScaled.format(document.amount, scale: 2)
                    if let existing = try BankPaymentStore.existing(db, date: document.date, number: document.number, amount: amount,
                                                                    payerAccount: document.payerAccount) {
                        duplicates += 1
                        items.append(["paymentId": .int(existing), "status": "duplicate", "number": .string(document.number),
                                      "date": .string(document.date)])
                        continue
                    }
                    let now = crm.nowText
                    // Only an invoice the purpose names can be matched with confidence: those are
                    // the only ones read, each as it stands after the payments applied before it.
                    let written = named.value(at: index)
                    let match = PaymentMatcher.match(written: written, payerINN: document.payerINN, amount: document.amount,
                                                     invoices: try Self.invoices(db, named: written))
                    var facts: [String: JSON] = ["date": .string(document.date), "number": .string(document.number), "amount": .string(amount),
                                                 "payerInn": document.payerINN.map(JSON.string) ?? .null, "status": "unmatched"]
                    let id: Int64
                    if let invoice = match.apply {
                        let invoicePaymentID = try addToInvoice(db, document: document, invoiceID: invoice.id, by: caller)
                        id = try BankPaymentStore.insert(db, document, amount: amount, matched: (invoice.id, invoicePaymentID), at: now, by: caller.userID)
                        facts["status"] = "matched"
                        facts["invoiceId"] = .int(invoice.id)
                        matched += 1
                        items.append(["paymentId": .int(id), "status": "matched", "invoiceId": .int(invoice.id), "number": .string(document.number),
                                      "date": .string(document.date)])
                    } else {
                        id = try BankPaymentStore.insert(db, document, amount: amount, matched: nil, at: now, by: caller.userID)
                        unmatched += 1
                        items.append(["paymentId": .int(id), "status": "unmatched", "number": .string(document.number), "date": .string(document.date)])
                    }
                    try crm.apply(Change(.bankPayment, id: .int(id), .created, by: caller, at: now, data: facts), in: db)
                }
            }
        }
        return ["payments": .int(Int64(documents.count)), "matched": .int(Int64(matched)), "unmatched": .int(Int64(unmatched)),
                "duplicates": .int(Int64(duplicates)), "encoding": .string(statement.encoding.rawValue), "items": .array(items)]
    }

    /// Payments applied per write (see `importPayments`).
    package static let paymentsPerWrite = 1_000

    /// How many of a payer's open invoices, and of those open for the payment's amount, the
    /// review list ranks beside the invoices the purpose names.
    static let reviewBreadth = 200

    /// The open invoices whose numbers `written` names, each once.
    static func invoices(_ db: Database, named written: [PaymentMatcher.NumberKey]) throws -> [PaymentMatcher.Invoice] {
        var found: [PaymentMatcher.Invoice] = []
        for sequence in Set(written.map(\.sequence)).sorted() {
            found += try BankPaymentStore.openInvoices(db, sequence: sequence).filter { invoice in
                invoice.key.map { key in written.contains { $0.names(key) } } ?? false
            }
        }
        return found
    }

    /// The invoices a payment may pay, for the review list: those its purpose names, the payer's
    /// newest open ones, and the newest open for its amount.
    static func candidates(_ db: Database, written: [PaymentMatcher.NumberKey], payerINN: String?, amount: Int64) throws -> [PaymentMatcher.Invoice] {
        var all = try invoices(db, named: written)
        if let payerINN, !payerINN.isEmpty { all += try BankPaymentStore.openInvoices(db, payerINN: payerINN, limit: reviewBreadth) }
        all += try BankPaymentStore.openInvoices(db, amount: amount, limit: reviewBreadth)
        var seen = Set<Int64>()
        return all.filter { seen.insert($0.id).inserted }
    }

    /// `payment.unmatched`: payments waiting for review, oldest first, each with the open
    /// invoices it may pay ranked as of now; `next` is the cursor of the following page.
    package func unmatched(limit: Int, cursor: String?) throws -> JSON {
        var after: Int64 = 0
        if let cursor {
            guard let value = Int64(cursor), value >= 0 else {
                throw CRMError.invalidValue(field: "cursor", reason: "format", message: "not a cursor this list gave")
            }
            after = value
        }
        return try crm.pool.read { db in
            let rows = try BankPaymentStore.unmatched(db, after: after, limit: limit + 1)
            let page = rows.prefix(limit)
            let items = try page.map { row -> JSON in
                let amount = try StoredData.read("bank_payments", row.id) { try InvoiceStore.amount(row.amount, "amount") }
                let written = PaymentMatcher.numbers(in: row.purpose)
                let invoices = try Self.candidates(db, written: written, payerINN: row.payerINN, amount: amount)
                let match = PaymentMatcher.match(written: written, payerINN: row.payerINN, amount: amount, invoices: invoices)
                return Self.json(row, candidates: match.candidates)
            }
            let next: JSON = rows.count > limit ? page.last.map { .string(String($0.id)) } ?? .null : .null
            return ["items": .array(items), "next": next]
        }
    }

    /// `payment.match`: adds an unmatched payment to the invoice; 1005 if it is matched or ignored already.
    package func match(paymentID: Int64, invoiceID: Int64, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            let row = try reviewable(db, paymentID)
            let now = crm.nowText
            let document = BankStatement.Document(
                kind: "", number: row.number, date: row.date, amount: try StoredData.read("bank_payments", row.id) { try InvoiceStore.amount(row.amount, "amount") },
                payerAccount: row.payerAccount, payerINN: row.payerINN, payerName: row.payerName, recipientAccount: row.recipientAccount,
                recipientINN: nil, purpose: row.purpose, receivedOn: row.receivedOn, writtenOffOn: nil, line: 0)
            let invoicePaymentID = try addToInvoice(db, document: document, invoiceID: invoiceID, by: caller)
            try BankPaymentStore.setMatched(db, id: row.id, invoiceID: invoiceID, invoicePaymentID: invoicePaymentID, at: now)
            try crm.apply(Change(.bankPayment, id: .int(row.id), .updated, by: caller, at: now,
                                 fields: [FieldChange(field: "status", old: "unmatched", new: "matched"),
                                          FieldChange(field: "invoiceId", old: .null, new: .int(invoiceID))]), in: db)
            return ["payment": try payment(db, row.id), "invoice": try crm.invoices.invoice(db, invoiceID)]
        }
    }

    /// `payment.ignore`: takes an unmatched payment off the review list (a refund, a loan, not
    /// an invoice's); 1005 if it is matched or ignored already.
    package func ignore(paymentID: Int64, reason: String?, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            let row = try reviewable(db, paymentID)
            let now = crm.nowText
            try BankPaymentStore.setIgnored(db, id: row.id, reason: reason, at: now)
            try crm.apply(Change(.bankPayment, id: .int(row.id), .updated, by: caller, at: now,
                                 fields: [FieldChange(field: "status", old: "unmatched", new: "ignored")],
                                 data: ["reason": reason.map(JSON.string) ?? .null]), in: db)
            return try payment(db, row.id)
        }
    }

    /// The payment if it is still waiting for review: 1002 if there is none, 1005 `{reason: status}` if it is not.
    private func reviewable(_ db: Database, _ id: Int64) throws -> BankPaymentStore.Row {
        guard let row = try BankPaymentStore.get(db, id) else { throw CRMError.notFound("payment", id) }
        guard row.status == "unmatched" else {
            throw CRMError.conflict(reason: row.status, details: ["status": .string(row.status), "invoiceId": row.invoiceID.map(JSON.int) ?? .null])
        }
        return row
    }

    /// Adds the bank payment to the invoice through the invoice's own payment path; returns the invoice payment's id.
    /// The import's permission covers the invoice's payment: it is recorded as the caller's, not judged again.
    private func addToInvoice(_ db: Database, document: BankStatement.Document, invoiceID: Int64, by caller: Caller) throws -> Int64 {
        let reference = "п/п № \(document.number) от \(InvoiceDocument.numericDate(document.date))"
        return try crm.invoices.addPayment(db, id: invoiceID, amount: Money(minor: document.amount), date: document.receivedOn ?? document.date,
                                           reference: reference, source: "bank", by: caller.unlimited)
    }

    private func payment(_ db: Database, _ id: Int64) throws -> JSON {
        guard let row = try BankPaymentStore.get(db, id) else { throw CRMError.notFound("payment", id) }
        return Self.json(row, candidates: nil)
    }

    static func json(_ row: BankPaymentStore.Row, candidates: [PaymentMatcher.Candidate]?) -> JSON {
        func optional(_ text: String?) -> JSON { text.map(JSON.string) ?? .null }
        var object: [String: JSON] = [
            "id": .int(row.id), "date": .string(row.date), "number": .string(row.number), "amount": .string(row.amount),
            "payerAccount": .string(row.payerAccount), "payerInn": optional(row.payerINN), "payerName": optional(row.payerName),
            "recipientAccount": .string(row.recipientAccount), "purpose": .string(row.purpose), "receivedOn": optional(row.receivedOn),
            "status": .string(row.status), "invoiceId": row.invoiceID.map(JSON.int) ?? .null, "ignoreReason": optional(row.ignoreReason),
        ]
        if let candidates {
            object["candidates"] = .array(candidates.map { candidate in
                ["invoiceId": .int(candidate.invoice.id), "number": .string(candidate.invoice.number), "score": .int(Int64(candidate.score)),
                 "reasons": .array(candidate.reasons.map(JSON.string)), "due": .string(DecimalScaled.format(candidate.invoice.due, scale: 2))]
            })
        }
        return .object(object)
    }

    /// The statement's bytes, and the param a problem with them is reported on.
    func read(_ source: Source) throws -> ([UInt8], String) {
        switch source {
        case .bytes(let bytes):
            return (bytes, "data")
        case .path(let given):
            let path = try crm.local.importablePath(given, field: "path")
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            guard let attributes, attributes[.type] as? FileAttributeType == .typeRegular else {
                throw CRMError.invalidValue(field: "path", reason: attributes == nil ? "notFound" : "notAFile",
                                            message: "\(path) is not a regular file that can be read")
            }
            guard let size = attributes[.size] as? NSNumber, size.intValue <= Self.maximumBytes,
                  let data = FileManager.default.contents(atPath: path) else {
                throw CRMError.invalidValue(field: "path", reason: "tooLarge", message: "a statement is at most \(Self.maximumBytes) bytes")
            }
            return ([UInt8](data), "path")
        }
    }
}

extension CRM {
    /// Bank statements: imported payments and their review list.
    package var bank: BankImportService { BankImportService(crm: self) }
}
