import Foundation
import JSONKit
import Mail
import Storage

/// Outgoing mail (S22). A message is first written to the outbox inside the transaction of
/// the call that sends it — so nothing is lost to a crash or an unreachable server — and then
/// delivered by `deliverDue` through the transport in `settings.mail` (SMTP or a sendmail
/// command; `outbox` keeps messages until a transport is set). Temporary failures are retried
/// with growing delays; permanent ones mark the message failed.
package struct OutboxService: Sendable {
    let crm: CRM

    static let maxAttempts: Int64 = 10

    /// Writes a message to the outbox (inside the caller's transaction) and returns its id.
    static func enqueue(_ db: Database, invoiceID: Int64?, mode: String, message: MailMessage, at now: Int64) throws -> Int64 {
        let stored: JSON = [
            "from": address(message.from), "to": .array(message.to.map(address)), "subject": .string(message.subject),
            "textBody": .string(message.textBody), "messageId": .string(message.messageID), "date": .int(Int64(message.date.timeIntervalSince1970)),
            "attachments": .array(message.attachments.map { attachment in
                ["fileName": .string(attachment.fileName), "contentType": .string(attachment.contentType),
                 "data": .string(Data(attachment.data).base64EncodedString())]
            }),
        ]
        try db.execute("""
            INSERT INTO outbox (kind, invoice_id, mode, recipients, message, status, next_attempt_at, created_at)
            VALUES ('mail', ?, ?, ?, ?, 'queued', ?, ?)
            """, [SQLValue(invoiceID), .text(mode), .text(message.to.map(\.address).joined(separator: ", ")), .text(stored.text),
                  .integer(now), .text(Timestamp.format(now))])
        return db.lastInsertRowID
    }

    /// Delivers every due message once; returns how many were delivered.
    @discardableResult
    package func deliverDue() throws -> Int {
        let now = crm.clock.now()
        let (due, settings) = try crm.pool.read { db in
            (try db.query("SELECT id, message, attempts, invoice_id FROM outbox WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY id LIMIT 50",
                          [.integer(now)]), try SettingsService.load(db))
        }
        guard !due.isEmpty, let transport = Self.transport(settings["mail"] ?? .null) else { return 0 }
        var delivered = 0
        for row in due {
            let id = try row.int64("id")
            let attempts = try row.int64("attempts") + 1
            var outcome: (status: String, error: String?, retryAt: Int64) = ("sent", nil, now)
            switch Result(catching: { try Self.storedMessage(row, id) }) {
            case .success(let message):
                do {
                    try transport.send(message)
                    delivered += 1
                } catch {
                    let backoff: Int64 = min(3600, 30 << min(attempts - 1, 7))
                    let permanent = !error.isTemporary || attempts >= Self.maxAttempts
                    outcome = (permanent ? "failed" : "queued", "\(error)", now + backoff)
                }
            case .failure(let error):
                outcome = ("failed", "\(error)", now)
                crm.faults.report("outbox message \(id) failed: \(error)")
            }
            try crm.pool.write { db in
                try db.execute("""
                    UPDATE outbox SET status = ?, attempts = ?, last_error = ?, next_attempt_at = ?, sent_at = ? WHERE id = ?
                    """, [.text(outcome.status), .integer(attempts), SQLValue(outcome.error), .integer(outcome.retryAt),
                          outcome.status == "sent" ? .text(Timestamp.format(crm.clock.now())) : .null, .integer(id)])
                guard outcome.status != "queued", let invoiceID = row[3].int64 else { return }
                var data: [String: JSON] = ["messageId": .int(id), "attempts": .int(attempts)]
                if let error = outcome.error { data["error"] = .string(error) }
                try crm.apply(Change(.invoice, id: .int(invoiceID), outcome.status == "sent" ? .delivered : .failed, by: .system(.delivery),
                                     at: crm.nowText, data: data), in: db)
            }
        }
        return delivered
    }

    /// The messages of an invoice, as `invoice.get` shows them.
    static func messages(_ db: Database, invoiceID: Int64) throws -> [JSON] {
        try db.query("""
            SELECT id, recipients, mode, status, attempts, last_error, created_at, sent_at FROM outbox WHERE invoice_id = ? ORDER BY id
            """, [.integer(invoiceID)]).map { row in
            ["id": .int(try row.int64("id")), "to": .string(try row.text("recipients")), "mode": try row.optionalText("mode").map(JSON.string) ?? .null,
             "status": .string(try row.text("status")), "attempts": .int(try row.int64("attempts")),
             "lastError": try row.optionalText("last_error").map(JSON.string) ?? .null, "createdAt": .string(try row.text("created_at")),
             "sentAt": try row.optionalText("sent_at").map(JSON.string) ?? .null]
        }
    }

    /// The transport `settings.mail` names; nil for `outbox` (keep messages, send nothing).
    static func transport(_ mail: JSON) -> (any MailTransport)? {
        switch mail["transport"]?.stringValue {
        case "smtp":
            guard let host = mail["host"]?.stringValue else { return nil }
            return SMTPTransport(host: host, port: mail["port"]?.intValue ?? 25, username: mail["username"]?.stringValue,
                                 password: mail["password"]?.stringValue, timeout: .seconds(mail["timeoutSeconds"]?.intValue ?? 30))
        case "sendmail":
            return SendmailTransport(path: mail["sendmailPath"]?.stringValue ?? "/usr/sbin/sendmail")
        default:
            return nil
        }
    }

    private static func address(_ address: MailAddress) -> JSON {
        ["address": .string(address.address), "name": address.name.map(JSON.string) ?? .null]
    }

    /// The message of an outbox row; one that cannot be read throws `StoredDataError`.
    private static func storedMessage(_ row: Row, _ id: Int64) throws -> MailMessage {
        try StoredData.read("outbox", id) { try message(try StoredData.json(try row.text("message"), "message")) }
    }

    /// A message as `enqueue` stores it; any part missing or of the wrong type throws, so a
    /// message is never sent without a recipient or an attachment it had.
    private static func message(_ json: JSON) throws -> MailMessage {
        func address(_ value: JSON?, _ what: String) throws -> MailAddress {
            guard let address = value?["address"]?.stringValue else { throw StoredData.Problem("message.\(what): no address") }
            return MailAddress(address, name: value?["name"]?.stringValue)
        }
        func text(_ key: String) throws -> String {
            guard let text = json[key]?.stringValue else { throw StoredData.Problem("message.\(key): missing or not a string") }
            return text
        }
        guard let to = json["to"]?.arrayValue, !to.isEmpty else { throw StoredData.Problem("message.to: no recipients") }
        guard let items = json["attachments"]?.arrayValue else { throw StoredData.Problem("message.attachments: not an array") }
        let attachments = try items.enumerated().map { index, item -> MailAttachment in
            guard let name = item["fileName"]?.stringValue, let type = item["contentType"]?.stringValue,
                  let data = item["data"]?.stringValue.flatMap({ Data(base64Encoded: $0) }) else {
                throw StoredData.Problem("message.attachments[\(index)]: needs fileName, contentType and base64 data")
            }
            return MailAttachment(fileName: name, contentType: type, data: Array(data))
        }
        guard let date = json["date"]?.int64Value else { throw StoredData.Problem("message.date: missing or not an integer") }
        return MailMessage(from: try address(json["from"], "from"), to: try to.enumerated().map { try address($1, "to[\($0)]") },
                           subject: try text("subject"), textBody: try text("textBody"), attachments: attachments,
                           messageID: try text("messageId"), date: Date(timeIntervalSince1970: Double(date)))
    }
}

extension CRM {
    package var outbox: OutboxService { OutboxService(crm: self) }
}
