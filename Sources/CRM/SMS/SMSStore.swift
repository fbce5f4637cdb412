import JSONKit
import Storage

/// The SQL of the SMS outbox: messages as they wait, their delivery outcome, and a message's
/// API form (`sms.get`).
enum SMSStore {
    /// A message due for an attempt.
    struct Due {
        let id: Int64
        let number: String
        let text: String
        let attempts: Int64
        let interrupted: Int64
        let record: RecordRef?
    }

    static let columns = """
        id, phone, text, segments, encoding, record_type, record_id, status, transport, attempts, interrupted, claimed_at,
        next_attempt_at, error_code, error, gateway_id, data, created_by, created_at, sent_at, delivered_at, updated_at
        """

    /// Writes a queued message (in the caller's transaction) and returns its id.
    static func insert(_ db: Database, number: String, text: String, segments: SMSSegments, record: RecordRef?, createdBy: Int64?,
                       data: [String: JSON], at now: Int64) throws -> Int64 {
        let stamp = Timestamp.format(now)
        try db.execute("""
            INSERT INTO sms_messages (phone, text, segments, encoding, record_type, record_id, status, next_attempt_at, data, created_by,
                                      created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?)
            """, [.text(number), .text(text), .integer(Int64(segments.count)), .text(segments.encoding.rawValue),
                  SQLValue(record?.type.rawValue), SQLValue(record?.id), .integer(now), .text(JSON.object(data).text),
                  SQLValue(createdBy), .text(stamp), .text(stamp)])
        return db.lastInsertRowID
    }

    /// The message in API form, nil if there is none with that id.
    static func message(_ db: Database, _ id: Int64) throws -> JSON? {
        try db.queryOne("SELECT \(columns) FROM sms_messages WHERE id = ?", [.integer(id)]).map(message)
    }

    /// The record a message was sent about, and whether there is such a message at all.
    static func record(_ db: Database, _ id: Int64) throws -> RecordRef?? {
        guard let row = try db.queryOne("SELECT record_type, record_id FROM sms_messages WHERE id = ?", [.integer(id)]) else { return nil }
        return .some(try recordRef(row))
    }

    /// Messages by id order after `after`, of one status and one record when given; up to `limit`.
    static func list(_ db: Database, status: String?, record: RecordRef?, after: Int64?, limit: Int) throws -> [JSON] {
        var conditions = ["id > ?"]
        var arguments: [SQLValue] = [.integer(after ?? 0)]
        if let status {
            conditions.append("status = ?")
            arguments.append(.text(status))
        }
        if let record {
            conditions.append("record_type = ? AND record_id = ?")
            arguments += [.text(record.type.rawValue), .integer(record.id)]
        }
        arguments.append(.integer(Int64(limit)))
        return try db.query("SELECT \(columns) FROM sms_messages WHERE \(conditions.joined(separator: " AND ")) ORDER BY id LIMIT ?",
                            arguments).map(message)
    }

    /// Up to `limit` queued, unclaimed messages whose attempt is due at `now`, oldest first.
    static func due(_ db: Database, at now: Int64, limit: Int = 50) throws -> [Due] {
        try db.query("""
            SELECT id, phone, text, attempts, interrupted, record_type, record_id FROM sms_messages
            WHERE status = 'queued' AND claimed_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?
            """, [.integer(now), .integer(Int64(limit))]).map { row in
            Due(id: try row.int64("id"), number: try row.text("phone"), text: try row.text("text"), attempts: try row.int64("attempts"),
                interrupted: try row.int64("interrupted"), record: try recordRef(row))
        }
    }

    /// Claims a queued message for one attempt; false when it is claimed already or no longer
    /// queued. A claim outlives a crash: `releaseClaims` finds it at the next start.
    static func claim(_ db: Database, id: Int64, at now: Int64) throws -> Bool {
        try db.execute("UPDATE sms_messages SET claimed_at = ? WHERE id = ? AND status = 'queued' AND claimed_at IS NULL",
                       [.integer(now), .integer(id)])
        return db.changes == 1
    }

    /// Puts back in line the messages a process died while handing over, counting the
    /// interruption on each; returns their ids.
    static func releaseClaims(_ db: Database, at now: Int64) throws -> [Int64] {
        let ids = try db.query("SELECT id FROM sms_messages WHERE claimed_at IS NOT NULL AND status = 'queued' ORDER BY id")
            .map { try $0.int64("id") }
        try db.execute("""
            UPDATE sms_messages SET claimed_at = NULL, interrupted = interrupted + 1, updated_at = ?
            WHERE claimed_at IS NOT NULL AND status = 'queued'
            """, [.text(Timestamp.format(now))])
        return ids
    }

    /// The outcome of an attempt, ending its claim.
    static func recordAttempt(_ db: Database, id: Int64, status: String, attempts: Int64, transport: String, errorCode: String?,
                              error: String?, gatewayID: String?, nextAttemptAt: Int64, at now: Int64) throws {
        let stamp = Timestamp.format(now)
        try db.execute("""
            UPDATE sms_messages SET status = ?, attempts = ?, transport = ?, error_code = ?, error = ?, gateway_id = coalesce(?, gateway_id),
                next_attempt_at = ?, claimed_at = NULL, updated_at = ?, sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END
            WHERE id = ?
            """, [.text(status), .integer(attempts), .text(transport), SQLValue(errorCode), SQLValue(error), SQLValue(gatewayID),
                  .integer(nextAttemptAt), .text(stamp), .text(status), .text(stamp), .integer(id)])
    }

    /// What `sms.status` needs of a message: its status, transport, gateway id and record.
    static func tracking(_ db: Database, _ id: Int64) throws -> (status: String, transport: String?, gatewayID: String?, record: RecordRef?)? {
        guard let row = try db.queryOne("SELECT status, transport, gateway_id, record_type, record_id FROM sms_messages WHERE id = ?",
                                        [.integer(id)]) else { return nil }
        return (try row.text("status"), try row.optionalText("transport"), try row.optionalText("gateway_id"), try recordRef(row))
    }

    /// The phone's report on a sent message: `delivered` (with the time) or `failed` with the
    /// gateway's code and reason. False when the message is no longer `sent`.
    static func recordReport(_ db: Database, id: Int64, delivered: Bool, errorCode: String?, error: String?, at now: Int64) throws -> Bool {
        let stamp = Timestamp.format(now)
        try db.execute("""
            UPDATE sms_messages SET status = ?, error_code = ?, error = ?, delivered_at = ?, updated_at = ? WHERE id = ? AND status = 'sent'
            """, [.text(delivered ? "delivered" : "failed"), SQLValue(errorCode), SQLValue(error), delivered ? .text(stamp) : .null,
                  .text(stamp), .integer(id)])
        return db.changes == 1
    }

    private static func recordRef(_ row: Row) throws -> RecordRef? {
        guard let type = try row.optionalText("record_type") else { return nil }
        guard let entity = EntityType(rawValue: type), let id = try row.optionalInt64("record_id") else {
            throw StoredDataError(table: "sms_messages", id: String(try row.int64("id")), problem: "record_type \(type) is not a record type")
        }
        return RecordRef(entity, id)
    }

    private static func message(_ row: Row) throws -> JSON {
        let id = try row.int64("id")
        let record = try recordRef(row)
        let data = try StoredData.read("sms_messages", id) { try StoredData.object(try row.text("data"), "data") }
        func text(_ column: String) throws -> JSON { try row.optionalText(column).map(JSON.string) ?? .null }
        return [
            "id": .int(id), "to": .string(try row.text("phone")), "text": .string(try row.text("text")),
            "segments": .int(try row.int64("segments")), "encoding": .string(try row.text("encoding")),
            "entityType": record.map { .string($0.type.rawValue) } ?? .null, "entityId": record.map { .int($0.id) } ?? .null,
            "status": .string(try row.optionalInt64("claimed_at") == nil ? try row.text("status") : "sending"),
            "transport": try text("transport"), "attempts": .int(try row.int64("attempts")),
            "interruptedAttempts": .int(try row.int64("interrupted")), "errorCode": try text("error_code"), "error": try text("error"),
            "gatewayId": try text("gateway_id"), "data": .object(data),
            "createdBy": try row.optionalInt64("created_by").map(JSON.int) ?? .null, "createdAt": .string(try row.text("created_at")),
            "sentAt": try text("sent_at"), "deliveredAt": try text("delivered_at"), "updatedAt": .string(try row.text("updated_at")),
        ]
    }
}
