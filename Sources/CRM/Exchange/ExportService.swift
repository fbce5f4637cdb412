import Foundation
import JSONKit
import Storage

/// Invoices to 1C (S24): `exchange.export1C` writes a CommerceML 2 file of invoices
/// (`CommerceMLWriter`), `exchange.acknowledge` records how far 1C took them.
///
/// "Changed" is read from the event log: an invoice changed after seq N when an event about it
/// (its own, its rows', its payments') has a seq above N. The log's seq is gapless and given in
/// commit order by the one writer, so an export's `until` (the last seq when it read) splits
/// every change cleanly into "in this file" and "in the next one"; `updated_at` could not
/// (a payment does not always touch it, and two changes share a second). When retention has
/// dropped events after the marker, the export is every invoice (1C matches documents by `Ид`,
/// so taking one again is harmless).
package struct ExportService: Sendable {
    let crm: CRM

    /// `exchange.export1C`: invoices `ids`, else those changed after `since`, else after the
    /// acknowledged marker. `until` is what to acknowledge, null for an export by `ids`.
    /// Without `path` the file comes back in the reply (`data`, with the ids it holds); with
    /// `path` (under the config file's `exportDirs`) it is written there and the reply tells its
    /// size and SHA-256. Either way the invoices are read a page at a time from one snapshot and
    /// written as they are read, so an export to a file holds one page in memory, whatever its size.
    package func export1C(since: Int64?, ids: [Int64]?, encoding: String?, version: String?, path: String? = nil) throws -> JSON {
        let chosenEncoding = try Self.encoding(encoding)
        let chosenVersion = version ?? "2.05"
        guard ["2.05", "2.10"].contains(chosenVersion) else {
            throw CRMError.invalidValue(field: "version", reason: "option", message: "version is 2.05 or 2.10")
        }
        let target = try path.map { try crm.local.exportablePath($0, field: "path") }
        let writer = CommerceMLWriter(encoding: chosenEncoding, version: chosenVersion)
        return try crm.pool.read { db in
            let bounds = try EventStore.bounds(db)
            let selection: Selection
            if let ids {
                let found = try ExportStore.existing(db, ids)
                if let missing = ids.first(where: { !found.contains($0) }) { throw CRMError.notFound("invoice", missing) }
                selection = .ids(Array(Set(ids)).sorted())
            } else {
                let after = try since ?? ExportStore.acknowledged(db)
                guard after >= 0, after <= bounds.lastGiven else {
                    throw CRMError.invalidValue(field: "since", reason: "beyondEnd", message: "the event log ends at seq \(bounds.lastGiven)")
                }
                // Events after `after` that retention no longer keeps: send everything.
                let pruned = after < bounds.lastGiven && (bounds.first.map { $0 > after + 1 } ?? true)
                selection = pruned ? .all : .changed(after: after)
            }
            var result: [String: JSON] = ["encoding": .string(chosenEncoding.rawValue), "version": .string(chosenVersion),
                                "until": ids == nil ? .int(bounds.lastGiven) : .null]
            if let target {
                var file = try ExportFile(path: target)
                do {
                    let count = try write(db, selection, with: writer) { try file.write($0) }
                    let digest = try file.commit()
                    result["count"] = .int(Int64(count))
                    result["path"] = .string(target)
                    result["bytes"] = .int(digest.bytes)
                    result["sha256"] = .string(digest.sha256)
                } catch {
                    file.discard()
                    throw error
                }
            } else {
                var bytes: [UInt8] = []
                var written: [Int64] = []
                let count = try write(db, selection, with: writer, ids: { written += $0 }) { bytes += $0 }
                result["count"] = .int(Int64(count))
                result["invoiceIds"] = .array(written.map(JSON.int))
                result["data"] = .string(Data(bytes).base64EncodedString())
            }
            return .object(result)
        }
    }

    /// Which invoices an export takes.
    enum Selection {
        case ids([Int64])
        case changed(after: Int64)
        case all
    }

    /// Invoices read a page at a time.
    static let pageSize = 256
    /// Bytes gathered before they are handed on.
    static let flushBytes = 1 << 20

    /// Writes the file of the invoices `selection` takes, handing its bytes to `output` in pieces
    /// of about `flushBytes` and each page's ids to `ids`; returns how many invoices it holds.
    private func write(_ db: Database, _ selection: Selection, with writer: CommerceMLWriter, ids: ([Int64]) -> Void = { _ in },
                       output: ([UInt8]) throws -> Void) throws -> Int {
        let today = try crm.today(db)
        var banks = PayerBanks()
        var bytes = writer.header(generatedAt: crm.nowText)
        var count = 0, lastID: Int64 = 0, given = 0
        while true {
            let page: [Int64]
            switch selection {
            case .ids(let all):
                page = Array(all[given..<min(given + Self.pageSize, all.count)])
                given += page.count
            case .changed(let after):
                page = try ExportStore.invoicesChanged(db, after: after, afterID: lastID, limit: Self.pageSize)
            case .all:
                page = try ExportStore.invoices(db, afterID: lastID, limit: Self.pageSize)
            }
            guard let last = page.last else { break }
            lastID = last
            let stored = try ExportStore.invoices(db, ids: page)
            let paid = stored.filter { $0.status == "paid" }.map(\.id)
            let payments = try ExportStore.lastPayments(db, ids: paid)
            for invoice in stored {
                let payer = try StoredData.read("invoices", invoice.id) { try StoredData.json(invoice.payer, "payer") }
                let json = try Self.json(invoice, payer: payer, lastPayment: payments[invoice.id], today: today)
                do {
                    try writer.append(CommerceMLWriter.Invoice(json: json, payerBank: try banks.bank(db, payer)), to: &bytes)
                } catch let error as CommerceMLWriter.InvoiceUnrepresentable {
                    throw CRMError.invalidValueDetails(
                        field: "encoding", reason: "unrepresentable",
                        message: "invoice \(error.invoiceID): «\(error.character)» in «\(error.text)» has no form in windows-1251; export in utf-8",
                        details: ["invoiceId": .int(error.invoiceID), "text": .string(error.text), "character": .string(error.character)])
                }
                count += 1
                if bytes.count >= Self.flushBytes {
                    try output(bytes)
                    bytes.removeAll(keepingCapacity: true)
                }
            }
            ids(stored.map(\.id))
        }
        bytes += writer.footer
        try output(bytes)
        return count
    }

    /// The invoice as the writer reads it: the API's shape for the fields a `Документ` holds,
    /// the status as the API shows it (`overdue` past the due date), the last payment.
    private static func json(_ invoice: ExportStore.Stored, payer: JSON, lastPayment: (date: String, reference: String?)?,
                             today: String) throws -> JSON {
        try StoredData.read("invoices", invoice.id) {
            InvoiceService.withEffectiveStatus([
                "id": .int(invoice.id), "number": .string(invoice.number), "date": .string(invoice.date),
                "dueDate": invoice.dueDate.map(JSON.string) ?? .null, "currency": .string(invoice.currency), "total": .string(invoice.total),
                "status": .string(invoice.status), "payer": payer,
                "rows": try StoredData.json(invoice.rows, "rows"), "totals": try StoredData.json(invoice.totals, "totals"),
                "payments": .array(lastPayment.map { [["date": .string($0.date), "reference": $0.reference.map(JSON.string) ?? .null]] } ?? []),
            ], today: today)
        }
    }

    /// The payers' bank accounts, each read once per export (a few thousand kept at most).
    private struct PayerBanks {
        var known: [String: JSON?] = [:]

        /// The first bank account of the payer's requisite as it is now (the invoice keeps none).
        mutating func bank(_ db: Database, _ payer: JSON) throws -> JSON? {
            guard let type = payer["entityType"]?.stringValue.flatMap(EntityType.init(rawValue:)), let id = payer["id"]?.int64Value else { return nil }
            let key = "\(type.rawValue):\(id)"
            if let bank = known[key] { return bank }
            if known.count >= 4_096 { known.removeAll(keepingCapacity: true) }
            let bank = try InvoiceParties.requisite(db, type, id)?["bankDetails"]?.arrayValue?.first
            known[key] = bank
            return bank
        }
    }

    /// `exchange.acknowledge`: 1C took every change up to event seq `until`. The marker only moves
    /// forward: an older `until` (a late answer to an earlier export) changes nothing.
    package func acknowledge(until: Int64, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            let last = try EventStore.bounds(db).lastGiven
            guard until >= 0, until <= last else {
                throw CRMError.invalidValue(field: "until", reason: "beyondEnd", message: "the event log ends at seq \(last)")
            }
            let previous = try ExportStore.acknowledged(db)
            guard until > previous else { return ["acknowledged": .int(previous), "previous": .int(previous)] }
            let now = crm.nowText
            try ExportStore.acknowledge(db, until: until, at: now, by: caller.userID)
            try crm.apply(Change(.exchange, id: "1c", .updated, by: caller, at: now,
                                 fields: [FieldChange(field: "acknowledged", old: .int(previous), new: .int(until))]), in: db)
            return ["acknowledged": .int(until), "previous": .int(previous)]
        }
    }

    static func encoding(_ name: String?) throws -> CommerceMLWriter.Encoding {
        guard let name else { return .windows1251 }
        guard let encoding = CommerceMLWriter.Encoding(rawValue: name) else {
            throw CRMError.invalidValue(field: "encoding", reason: "option", message: "encoding is windows-1251 or utf-8")
        }
        return encoding
    }
}

extension CRM {
    /// Invoices exported to 1C, and 1C's acknowledgements.
    package var exportTo1C: ExportService { ExportService(crm: self) }
}
