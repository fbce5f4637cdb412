import Foundation
import JSONKit
import RussianFormats
import Storage
import Zip

/// Documents back from 1C (S25, S26): `exchange.importPayments {format: "commerceml"}` reads
/// 1C's CommerceML 2 (one XML file, or a ZIP of them) and applies each `Документ` to the invoice
/// it names, all in one write:
///
/// - the invoice is the one whose `Ид` we gave it (`crmd-invoice-<id>`), else the one its
///   `Основание` names, else, for the order document itself («Заказ товара», «Счет на оплату»),
///   its `Номер`; numbers are read as `PaymentMatcher` reads them (`15`, `2026-15`, `2026-00015`);
/// - «ПометкаУдаления» on the order cancels the invoice (not one with payments);
/// - «Дата оплаты по 1С» (with «Номер оплаты по 1С») pays what is still due on that date;
/// - «Выплата безналичных денег» with `Оплачен` adds its `Сумма` as a payment;
/// - «Отпуск товара», «Акт», «УПД», «Счет-фактура» are attached to the invoice with their
///   number and date.
///
/// The import's own permission (`exchange.update`, the 1C exchange's role) covers what it does to
/// the invoices, as a bank statement's does: cancellations, payments and documents are recorded
/// as the caller's, not judged again as invoice updates.
///
/// A payment from 1C is known by its reference («1С: …» with its number and date): the same
/// file imported again adds nothing, and attaches nothing (one kind, number and date per invoice).
struct CommerceMLImportService {
    let crm: CRM

    func importDocuments(source: BankImportService.Source, by caller: Caller) throws -> JSON {
        let (bytes, field) = try crm.bank.read(source)
        var documents: [CommerceMLReader.Document] = []
        do {
            for file in try Self.files(bytes) {
                documents += try CommerceMLReader.parse(file.bytes).documents
            }
        } catch let failure as CommerceMLReader.Failure {
            throw CRMError.invalidValue(field: field, reason: failure.reason, message: failure.message)
        }
        return try crm.pool.write { db in
            var tally = Tally()
            for document in documents {
                switch try Self.find(document, db) {
                case .failure(let failure):
                    tally.unmatched.append(["number": document.number.map(JSON.string) ?? .null, "reason": .string(failure.reason)])
                case .success(let invoiceID):
                    try apply(db, document, to: invoiceID, tally: &tally, by: caller)
                }
            }
            return ["documents": .int(Int64(documents.count)), "invoicesUpdated": .int(Int64(tally.updated.count)),
                    "payments": .int(Int64(tally.payments)), "attached": .int(Int64(tally.attached)),
                    "cancelled": .int(Int64(tally.cancelled)), "unmatched": .array(tally.unmatched)]
        }
    }

    private struct Tally {
        var updated: Set<Int64> = []
        var payments = 0
        var attached = 0
        var cancelled = 0
        var unmatched: [JSON] = []
    }

    private enum Kind {
        case order, payment, attachment(String), other
    }

    private static func kind(of document: CommerceMLReader.Document) -> Kind {
        guard let operation = document.operation.map(CommerceMLReader.folded) else { return .order }
        if ["заказ товара", "счет на оплату"].contains(operation) { return .order }
        if operation == "выплата безналичных денег" { return .payment }
        if operation.contains("счет-фактур") { return .attachment("invoiceFactura") }
        if operation.contains("упд") || operation.contains("универсальный передаточный") { return .attachment("upd") }
        if operation.hasPrefix("акт") { return .attachment("act") }
        if operation.contains("отпуск товара") || operation.contains("накладн") || operation.contains("реализац") { return .attachment("waybill") }
        return .other
    }

    private func apply(_ db: Database, _ document: CommerceMLReader.Document, to invoiceID: Int64, tally: inout Tally,
                       by caller: Caller) throws {
        func refuse(_ reason: String) {
            tally.unmatched.append(["number": document.number.map(JSON.string) ?? .null, "reason": .string(reason)])
        }
        guard let balance = try InvoiceStore.balance(db, invoiceID) else { return refuse("notFound") }
        switch Self.kind(of: document) {
        case .order:
            if document.markedForDeletion {
                if balance.status == "cancelled" { return }
                if balance.paid > 0 { return refuse("paid") }
                try crm.invoices.setStoredStatus(db, id: invoiceID, status: "cancelled", by: caller.unlimited, from: balance.status,
                                                 extra: ["source": "1c"])
                tally.cancelled += 1
                tally.updated.insert(invoiceID)
                return
            }
            guard let date = CommerceMLReader.date(document.requisite("Дата оплаты по 1С")) else { return }
            let number = document.requisite("Номер оплаты по 1С").flatMap { $0.isEmpty ? nil : $0 }
            let reference = "1С: оплата" + (number.map { " № \($0)" } ?? "") + " от \(Self.numeric(date))"
            if try CommerceMLImportStore.hasPayment(db, invoiceID: invoiceID, reference: reference) { return }
            if balance.status == "cancelled" { return refuse("cancelled") }
            let due = balance.total - balance.paid
            guard due > 0 else { return }
            _ = try crm.invoices.addPayment(db, id: invoiceID, amount: Money(minor: due), date: date, reference: reference, source: "1c",
                                            by: caller.unlimited)
            tally.payments += 1
            tally.updated.insert(invoiceID)
        case .payment:
            guard document.paid, !document.markedForDeletion else { return }
            guard let date = document.date else { return refuse("date") }
            guard let amountText = document.amount, let amount = try? Money.amount(amountText, field: "Сумма"), amount > 0 else {
                return refuse("amount")
            }
            let reference = "1С: п/п" + (document.number.map { " № \($0)" } ?? "") + " от \(Self.numeric(date))"
            if try CommerceMLImportStore.hasPayment(db, invoiceID: invoiceID, reference: reference) { return }
            if balance.status == "cancelled" || balance.status == "paid" { return refuse(balance.status) }
            guard amount <= balance.total - balance.paid else { return refuse("overpayment") }
            _ = try crm.invoices.addPayment(db, id: invoiceID, amount: Money(minor: amount), date: date, reference: reference, source: "1c",
                                            by: caller.unlimited)
            tally.payments += 1
            tally.updated.insert(invoiceID)
        case .attachment(let kind):
            guard !document.markedForDeletion else { return }
            guard let number = document.number else { return refuse("number") }
            let input = InvoiceDocumentService.Input(invoiceID: invoiceID, kind: kind, number: number, date: document.date, source: "1c")
            if try crm.invoiceDocuments.attachIfNew(db, input, by: caller.unlimited) != nil {
                tally.attached += 1
                tally.updated.insert(invoiceID)
            }
        case .other:
            refuse("operation")
        }
    }

    /// The invoice a document names, or why none: `notFound`, `ambiguous`. Only the invoices a
    /// reference can name are read, by index: the one of its `Ид`, those numbered as it is written
    /// (as is, upper- or lower-cased), and those whose number's key (`invoice_number_keys`) has
    /// a sequence it names; among them, a number equal to the reference (case and ё aside) wins,
    /// else a unique key match.
    private static func find(_ document: CommerceMLReader.Document, _ db: Database) throws -> Result<Int64, FindFailure> {
        if let id = document.id, id.hasPrefix("crmd-invoice-"), let value = Int64(id.dropFirst("crmd-invoice-".count)),
           try CommerceMLImportStore.invoice(db, id: value) != nil {
            return .success(value)
        }
        var references: [String] = []
        if let basis = document.basis { references.append(basis) }
        if case .order = kind(of: document), let number = document.number { references.append(number) }
        for reference in references {
            let keys = Self.keys(in: reference)
            let written = reference.trimmingCharacters(in: .whitespacesAndNewlines)
            var candidates = try CommerceMLImportStore.invoices(db, numbered: [written, written.uppercased(), written.lowercased()])
            for sequence in Set(keys.map(\.sequence)).sorted() { candidates += try CommerceMLImportStore.invoices(db, sequence: sequence) }
            var seen = Set<Int64>()
            candidates = candidates.filter { seen.insert($0.id).inserted }
            let exact = candidates.filter { CommerceMLReader.folded($0.number) == CommerceMLReader.folded(reference) }
            if exact.count == 1 { return .success(exact[0].id) }
            let found = candidates.filter { invoice in invoice.key.map { key in keys.contains { $0.names(key) } } ?? false }
            if found.count == 1 { return .success(found[0].id) }
            if found.count > 1 { return .failure(FindFailure("ambiguous")) }
        }
        return .failure(FindFailure("notFound"))
    }

    struct FindFailure: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// The invoice numbers a reference names: «Счет на оплату № 2026-00015 от 20.11.2026» (as in
    /// a payment's purpose), «Заказ № 15 от 20.11.2026» (what follows «№», the year from «от»), or
    /// a bare number.
    static func keys(in reference: String) -> [PaymentMatcher.NumberKey] {
        let named = PaymentMatcher.numbers(in: reference)
        if !named.isEmpty { return named }
        let text = reference.lowercased()
        if let sign = text.firstIndex(of: "№") {
            let rest = text[text.index(after: sign)...].drop { $0 == " " }
            let token = rest.prefix { !$0.isWhitespace }
            guard var key = PaymentMatcher.writtenKey(String(token)) else { return [] }
            if key.year == nil, let from = rest.range(of: "от ") {
                key.year = RussianDate.parseNumeric(String(rest[from.upperBound...].prefix(10)))?.year
            }
            return [key]
        }
        return PaymentMatcher.writtenKey(reference).map { [$0] } ?? []
    }

    static func numeric(_ date: String) -> String {
        let parts = date.split(separator: "-")
        guard parts.count == 3 else { return date }
        return "\(parts[2]).\(parts[1]).\(parts[0])"
    }

    /// The XML files: the bytes themselves, or each `.xml` entry of a ZIP.
    static func files(_ bytes: [UInt8]) throws -> [(name: String, bytes: [UInt8])] {
        guard bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) else { return [("", bytes)] }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("crmd-commerceml-\(UUID().uuidString).zip").path
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw CommerceMLReader.Failure(reason: "zip", message: "the ZIP could not be staged for reading")
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let archive = try ZipArchive(path: path)
            let entries = archive.entries.filter { $0.name.lowercased().hasSuffix(".xml") }
            guard !entries.isEmpty else { throw CommerceMLReader.Failure(reason: "zip", message: "the ZIP holds no .xml file") }
            return try entries.map { ($0.name, try archive.contents(of: $0)) }
        } catch let error as ZipError {
            throw CommerceMLReader.Failure(reason: "zip", message: "not a readable ZIP: \(error)")
        }
    }
}

extension CRM {
    /// 1C's CommerceML documents applied to invoices.
    var commerceMLImport: CommerceMLImportService { CommerceMLImportService(crm: self) }
}
