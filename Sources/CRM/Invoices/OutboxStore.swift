import Foundation
import JSONKit
import Mail
import Storage

/// The SQL of the outbox: messages as they wait, their delivery outcome, and the stored form
/// of a message (JSON with base64 attachments) written and read back strictly.
enum OutboxStore {
    /// A message due for delivery. `message` is the failure when the stored message cannot
    /// be read, so that one message is marked failed and the others still go.
    struct Queued {
        let id: Int64
        let attempts: Int64
        let invoiceID: Int64?
        let message: Result<MailMessage, any Error>
    }

    /// Writes a message to the outbox (inside the caller's transaction) and returns its id.
    static func enqueue(_ db: Database, invoiceID: Int64?, mode: String, message: MailMessage, at now: Int64) throws -> Int64 {
        try db.execute("""
            INSERT INTO outbox (kind, invoice_id, mode, recipients, cc, message, status, next_attempt_at, created_at)
            VALUES ('mail', ?, ?, ?, ?, ?, 'queued', ?, ?)
            """, [SQLValue(invoiceID), .text(mode), .text(message.to.map(\.address).joined(separator: ", ")),
                  .text(message.cc.map(\.address).joined(separator: ", ")), .text(stored(message).text),
                  .integer(now), .text(Timestamp.format(now))])
        return db.lastInsertRowID
    }

    /// Up to `limit` queued messages whose next attempt is due at `now`, oldest first.
    static func due(_ db: Database, at now: Int64, limit: Int = 50) throws -> [Queued] {
        try db.query("""
            SELECT id, message, attempts, invoice_id FROM outbox
            WHERE status = 'queued' AND claimed_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?
            """,
                     [.integer(now), .integer(Int64(limit))]).map { row in
            let id = try row.int64("id")
            return Queued(id: id, attempts: try row.int64("attempts"), invoiceID: row["invoice_id"].int64,
                          message: Result { try StoredData.read("outbox", id) { try message(try StoredData.json(try row.text("message"), "message")) } })
        }
    }

    /// Claims a queued message for one delivery attempt; false when someone else claimed it or
    /// it is no longer queued. A claim outlives a crash: `releaseClaims` puts it back in line.
    static func claim(_ db: Database, id: Int64, at now: Int64) throws -> Bool {
        try db.execute("UPDATE outbox SET claimed_at = ? WHERE id = ? AND status = 'queued' AND claimed_at IS NULL",
                       [.integer(now), .integer(id)])
        return db.changes == 1
    }

    /// Puts back in line the messages whose hand-off was interrupted (the process died while
    /// delivering them); returns how many.
    static func releaseClaims(_ db: Database) throws -> Int {
        try db.execute("UPDATE outbox SET claimed_at = NULL WHERE claimed_at IS NOT NULL AND status = 'queued'")
        return db.changes
    }

    /// Records the outcome of a delivery attempt (and ends its claim): `sentAt` for a sent message, `lastError` and
    /// the next attempt for one that failed or waits.
    static func recordAttempt(_ db: Database, id: Int64, status: String, attempts: Int64, lastError: String?, nextAttemptAt: Int64,
                              sentAt: String?) throws {
        try db.execute("""
            UPDATE outbox SET status = ?, attempts = ?, last_error = ?, next_attempt_at = ?, sent_at = ?, claimed_at = NULL WHERE id = ?
            """, [.text(status), .integer(attempts), SQLValue(lastError), .integer(nextAttemptAt), SQLValue(sentAt), .integer(id)])
    }

    /// The messages of an invoice, as `invoice.get` shows them.
    static func messages(_ db: Database, invoiceID: Int64) throws -> [JSON] {
        try db.query("""
            SELECT id, recipients, cc, mode, status, claimed_at, attempts, last_error, created_at, sent_at FROM outbox
            WHERE invoice_id = ? ORDER BY id
            """, [.integer(invoiceID)]).map { row in
            ["id": .int(try row.int64("id")), "to": .string(try row.text("recipients")), "cc": .string(try row.text("cc")), "mode": try row.optionalText("mode").map(JSON.string) ?? .null,
             "status": .string(try row.optionalInt64("claimed_at") == nil ? try row.text("status") : "sending"), "attempts": .int(try row.int64("attempts")),
             "lastError": try row.optionalText("last_error").map(JSON.string) ?? .null, "createdAt": .string(try row.text("created_at")),
             "sentAt": try row.optionalText("sent_at").map(JSON.string) ?? .null]
        }
    }

    /// A message as it is kept in `outbox.message`.
    private static func stored(_ message: MailMessage) -> JSON {
        [
            "from": address(message.from), "to": .array(message.to.map(address)), "cc": .array(message.cc.map(address)),
            "subject": .string(message.subject),
            "textBody": .string(message.textBody), "messageId": .string(message.messageID), "date": .int(Int64(message.date.timeIntervalSince1970)),
            "attachments": .array(message.attachments.map { attachment in
                ["fileName": .string(attachment.fileName), "contentType": .string(attachment.contentType),
                 "data": .string(Data(attachment.data).base64EncodedString())]
            }),
        ]
    }

    private static func address(_ address: MailAddress) -> JSON {
        ["address": .string(address.address), "name": address.name.map(JSON.string) ?? .null]
    }

    /// A message as `stored` writes it; any part missing or of the wrong type throws, so a
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
        // Messages queued before copies existed have no `cc`.
        let cc = json["cc"] ?? .array([])
        guard let copies = cc.arrayValue else { throw StoredData.Problem("message.cc: not an array") }
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
                           cc: try copies.enumerated().map { try address($1, "cc[\($0)]") },
                           subject: try text("subject"), textBody: try text("textBody"), attachments: attachments,
                           messageID: try text("messageId"), date: Date(timeIntervalSince1970: Double(date)))
    }
}
