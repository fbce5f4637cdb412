import JSONKit
import Storage

/// Who changed what and when, per record. Entries are written inside the transaction of the
/// change they describe, so the timeline never disagrees with the record.
package struct TimelineService: Sendable {
    let crm: CRM

    /// Kinds of entries.
    package enum Kind: String, Sendable {
        case created, updated, stageChanged, comment, deleted, converted, document, message, requisite, merged, activity
    }

    /// Entries newest first; `cursor` is the `next` of the previous page.
    package func list(entityType: EntityType, id: Int64, limit: Int, cursor: String?) throws -> JSON {
        var before = Int64.max
        if let cursor {
            guard let value = Int64(cursor), value > 0 else { throw CRMError.invalidParam("/cursor", "not a cursor from this list") }
            before = value
        }
        return try crm.pool.read { db in
            try RecordService.requireExists(db, entityType.descriptor, id)
            let (page, more) = try TimelineStore.page(db, RecordRef(entityType, id), before: before, limit: limit)
            let next: JSON = more ? .string(String(page.last?["id"]?.int64Value ?? 0)) : .null
            return ["items": .array(page), "next": next]
        }
    }

    /// Adds a comment to a record's timeline.
    package func comment(entityType: EntityType, id: Int64, text: String, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            try RecordService.requireExists(db, entityType.descriptor, id)
            let at = crm.nowText
            try crm.apply(Change(ChangeEntity(entityType), id: .int(id), .commented, by: caller, at: at, data: ["text": .string(text)]), in: db)
            let entryID = try TimelineStore.latestCommentID(db, RecordRef(entityType, id)) ?? 0
            return [
                "id": .int(entryID), "entityType": .string(entityType.rawValue), "entityId": .int(id), "type": "comment",
                "at": .string(at), "authorId": caller.userID.map(JSON.int) ?? .null, "data": ["text": .string(text)],
            ]
        }
    }
}

extension CRM {
    package var timeline: TimelineService { TimelineService(crm: self) }
}
