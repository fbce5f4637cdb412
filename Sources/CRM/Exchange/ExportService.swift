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
    package func export1C(since: Int64?, ids: [Int64]?, encoding: String?, version: String?) throws -> JSON {
        let chosenEncoding = try Self.encoding(encoding)
        let chosenVersion = version ?? "2.05"
        guard ["2.05", "2.10"].contains(chosenVersion) else {
            throw CRMError.invalidValue(field: "version", reason: "option", message: "version is 2.05 or 2.10")
        }
        return try crm.pool.read { db in
            let bounds = try EventStore.bounds(db)
            let invoiceIDs: [Int64]
            if let ids {
                let found = try ExportStore.existing(db, ids)
                if let missing = ids.first(where: { !found.contains($0) }) { throw CRMError.notFound("invoice", missing) }
                invoiceIDs = Array(Set(ids)).sorted()
            } else {
                let after = try since ?? ExportStore.acknowledged(db)
                guard after >= 0, after <= bounds.lastGiven else {
                    throw CRMError.invalidValue(field: "since", reason: "beyondEnd", message: "the event log ends at seq \(bounds.lastGiven)")
                }
                // Events after `after` that retention no longer keeps: send everything.
                let pruned = after < bounds.lastGiven && (bounds.first.map { $0 > after + 1 } ?? true)
                invoiceIDs = try pruned ? ExportStore.allInvoices(db) : ExportStore.invoicesChanged(db, after: after)
            }
            let invoices = try invoiceIDs.map { id in
                let json = try crm.invoices.invoice(db, id)
                return CommerceMLWriter.Invoice(json: json, payerBank: try payerBank(db, json["payer"] ?? .null))
            }
            let writer = CommerceMLWriter(encoding: chosenEncoding, version: chosenVersion)
            let bytes: [UInt8]
            do {
                bytes = try writer.file(invoices, generatedAt: crm.nowText)
            } catch let error as CommerceMLWriter.InvoiceUnrepresentable {
                throw CRMError.invalidValueDetails(
                    field: "encoding", reason: "unrepresentable",
                    message: "invoice \(error.invoiceID): «\(error.character)» in «\(error.text)» has no form in windows-1251; export in utf-8",
                    details: ["invoiceId": .int(error.invoiceID), "text": .string(error.text), "character": .string(error.character)])
            } catch let error as CommerceMLWriter.Unrepresentable {
                throw CRMError.invalidValueDetails(field: "encoding", reason: "unrepresentable",
                                                   message: "«\(error.character)» has no form in windows-1251; export in utf-8",
                                                   details: ["character": .string(error.character)])
            }
            return ["encoding": .string(chosenEncoding.rawValue), "version": .string(chosenVersion), "count": .int(Int64(invoices.count)),
                    "invoiceIds": .array(invoiceIDs.map(JSON.int)), "data": .string(Data(bytes).base64EncodedString()),
                    "until": ids == nil ? .int(bounds.lastGiven) : .null]
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

    /// The first bank account of the payer's requisite as it is now (the invoice keeps none).
    private func payerBank(_ db: Database, _ payer: JSON) throws -> JSON? {
        guard let type = payer["entityType"]?.stringValue.flatMap(EntityType.init(rawValue:)), let id = payer["id"]?.int64Value else { return nil }
        return try InvoiceParties.requisite(db, type, id)?["bankDetails"]?.arrayValue?.first
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
