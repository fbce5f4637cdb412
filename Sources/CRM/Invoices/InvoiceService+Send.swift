import Foundation
import JSONKit
import Mail
import Storage

extension InvoiceService {
    /// `invoice.send` (S22): the invoice by e-mail, the PDF attached or a public link in the
    /// body, to `to` or the payer's first e-mail. The message goes to the outbox in this call's
    /// transaction and is delivered afterwards; a draft invoice becomes `sent`.
    package func send(id: Int64, to: [String], cc: [String] = [], mode: String, subject: String?, body: String?,
                      by caller: Caller) throws -> JSON {
        guard mode == "attachment" || mode == "link" else {
            throw CRMError.invalidValue(field: "mode", reason: "option", message: "mode is attachment or link")
        }
        let pdf = mode == "attachment" ? try crm.documents.renderInvoice(id: id, format: "pdf") : nil
        return try crm.pool.write { db in
            let current = try invoice(db, id)
            let stored = try Self.storedStatus(db, id)
            if stored == "cancelled" { throw CRMError.conflict(reason: "cancelled", details: ["status": .string(stored)]) }
            let settings = try SettingsService.load(db)
            let fromText = settings["mail"]?["from"]?.stringValue ?? "crmd@localhost"
            guard let from = MailAddress.parse(fromText), from.isValid else {
                throw CRMError.invalidValue(field: "mail.from", reason: "format", message: "settings.mail.from is not an e-mail address")
            }
            let recipients = try to.isEmpty ? [try payerAddress(db, current["payer"] ?? .null)] : to.map { try Self.address($0, field: "to") }
            let copies = try cc.map { try Self.address($0, field: "cc") }
            let document = InvoiceDocument(invoice: current)
            let total = InvoiceDocument.money(current["total"]?.stringValue ?? "0")
            var text = body ?? "Здравствуйте!\n\nНаправляем \(document.title.prefix(1).lowercased() + document.title.dropFirst()) на сумму \(total) руб."
            if mode == "link" {
                guard let base = settings["publicBaseUrl"]?.stringValue else {
                    throw CRMError.invalidValue(field: "publicBaseUrl", reason: "required", message: "a link needs settings.publicBaseUrl")
                }
                let token = try PublicLinkService.insert(db, crm: crm, invoiceID: id, expiresAt: nil, by: caller)
                text += "\n\nСчет: \(base)\(token)"
            } else {
                text += "\n\nСчет во вложении."
            }
            let now = crm.clock.now()
            let message = MailMessage(
                from: from, to: recipients, cc: copies, subject: subject ?? document.title, textBody: text + "\n",
                attachments: pdf.map { [MailAttachment(fileName: $0.fileName, contentType: $0.contentType, data: $0.data)] } ?? [],
                messageID: "<invoice-\(id)-\(UUID().uuidString.lowercased())@crmd>", date: Date(timeIntervalSince1970: Double(now)))
            let outboxID = try OutboxStore.enqueue(db, invoiceID: id, mode: mode, message: message, at: now)
            var entry: [String: JSON] = ["messageId": .int(outboxID), "to": .string(recipients.map(\.address).joined(separator: ", ")),
                                         "mode": .string(mode)]
            if !copies.isEmpty { entry["cc"] = .string(copies.map(\.address).joined(separator: ", ")) }
            try crm.apply(Change(.invoice, id: .int(id), .queued, by: caller, at: crm.nowText,
                                 owner: current["dealId"]?.int64Value.map { RecordRef(.deal, $0) }, data: entry), in: db)
            if stored == "draft" { try setStoredStatus(db, id: id, status: "sent", by: caller, from: stored) }
            return ["messageId": .int(outboxID), "status": "queued"]
        }
    }

    /// An address given in the call, or 1007 naming the param it came in.
    private static func address(_ text: String, field: String) throws -> MailAddress {
        guard let address = MailAddress.parse(text), address.isValid else {
            throw CRMError.invalidValue(field: field, reason: "format", message: "'\(text)' is not an e-mail address")
        }
        return address
    }

    /// The payer's first e-mail, when the call names no recipient.
    private func payerAddress(_ db: Database, _ payer: JSON) throws -> MailAddress {
        guard let address = try Self.payerAddress(db, payer) else {
            throw CRMError.invalidValue(field: "to", reason: "required", message: "the payer has no e-mail: give `to`")
        }
        return address
    }

    /// The payer's first e-mail, nil when it has none.
    static func payerAddress(_ db: Database, _ payer: JSON) throws -> MailAddress? {
        if let type = payer["entityType"]?.stringValue.flatMap(EntityType.init(rawValue:)), let payerID = payer["id"]?.int64Value,
           let record = try RecordService.loadJSON(db, type.descriptor, payerID),
           let email = record["emails"]?.arrayValue?.first?["value"]?.stringValue, let address = MailAddress.parse(email), address.isValid {
            return MailAddress(address.address, name: payer["name"]?.stringValue)
        }
        return nil
    }
}
