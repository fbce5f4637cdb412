import JSONKit
import Storage

/// `automation.log`: the robot log, per record or per rule.
extension AutomationService {
    /// The runs of robots on one record (`entityType` lead, deal, invoice or activity, and `id`),
    /// for a caller who may read it, or of one rule (`ruleID`, for those with settings.read), newest
    /// first: up to `limit`, after `cursor` (the `nextCursor` of the page before).
    package func log(entityType: String?, id: Int64?, ruleID: Int64?, limit: Int, cursor: String?, access: Access?) throws -> JSON {
        var before: Int64?
        if let cursor {
            guard let last = Int64(cursor), last > 0 else { throw CRMError.invalidParam("/cursor", "not a cursor of automation.log") }
            before = last
        }
        return try crm.pool.read { db in
            var entity: (type: String, id: Int64)?
            if let entityType {
                guard let id else { throw CRMError.invalidParam("/id", "the record's id goes with entityType") }
                try Self.requireRead(access, entityType, id, db)
                entity = (entityType, id)
            } else if ruleID == nil {
                throw CRMError.invalidParam("/entityType", "give entityType and id, or ruleId")
            }
            if ruleID != nil, let access { try access.require(.settings, .read) }
            let rows = try AutomationLogStore.entries(db, entity: entity, ruleID: ruleID, before: before, limit: limit + 1)
            let items = try rows.prefix(limit).map(Self.entry)
            let next = rows.count > limit ? items.last?["id"]?.int64Value.map { JSON.string(String($0)) } : nil
            return ["items": .array(items), "nextCursor": next ?? .null]
        }
    }

    /// Reading a record's log takes reading the record; that of a record gone, settings.read.
    private static func requireRead(_ access: Access?, _ entityType: String, _ id: Int64, _ db: Database) throws {
        guard let access else { return }
        if entityType == "activity" {
            guard let activity = try ActivityStore.fetch(db, id) else { return try access.require(.settings, .read) }
            if !ActivityService.reaches(access, .read, activity) { throw Access.denied(.activity, .read, id: id) }
            return
        }
        guard let type = EntityType(rawValue: entityType), [.lead, .deal, .invoice].contains(type) else {
            throw CRMError.invalidValue(field: "entityType", reason: "option", message: "robots act on leads, deals, invoices and activities")
        }
        do {
            try AccessService.require(access, .read, RecordRef(type, id), db)
        } catch CRMError.notFound {
            try access.require(.settings, .read)
        }
    }

    private static func entry(_ row: Row) throws -> JSON {
        let id = try row.int64("id")
        return try StoredData.read("automation_log", id) {
            [
                "id": .int(id), "ruleId": .int(try row.int64("rule_id")), "entityType": .string(try row.text("entity_type")),
                "entityId": .int(try row.int64("entity_id")), "trigger": .string(try row.text("trigger")),
                "action": .string(try row.text("action")), "result": .string(try row.text("result")),
                "reason": try row.optionalText("reason").map(JSON.string) ?? .null, "attempt": .int(try row.int64("attempt")),
                "data": .object(try StoredData.object(try row.text("data"), "data")), "at": .string(try row.text("at")),
            ]
        }
    }
}
