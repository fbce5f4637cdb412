import JSONKit
import Storage

/// `contact.merge` and `company.merge` (S12): the sources' links, requisites, deals and
/// timeline move to the target, the target's empty fields are filled from the sources,
/// phones and e-mails are united, the sources are removed — all in one transaction.
package struct MergeService: Sendable {
    let crm: CRM

    package func merge(_ entityType: EntityType, targetID: Int64, sourceIDs: [Int64], by caller: Caller) throws -> JSON {
        guard RequisiteService.owners.contains(entityType) else {
            throw CRMError.invalidValue(field: "entityType", reason: "option", message: "only contacts and companies are merged")
        }
        let sources = Array(Set(sourceIDs)).sorted()
        if sources.isEmpty { throw CRMError.invalidParam("/sourceIds", "name at least one record to merge") }
        if sources.contains(targetID) {
            throw CRMError.invalidValue(field: "sourceIds", reason: "self", message: "a record cannot be merged into itself")
        }
        let service = crm.records(entityType)
        let entity = entityType.descriptor
        return try crm.pool.write { db in
            var target = try service.load(db, targetID)
            let old = target
            // The caller updates the target and deletes the sources; the links and requisites that
            // follow them to the target are not the caller's to be allowed.
            try service.check(caller.access, .update, id: targetID, old)
            let consequence = caller.unlimited
            for sourceID in sources {
                let source = try service.load(db, sourceID)
                try service.check(caller.access, .delete, id: sourceID, source)
                Self.fill(&target, from: source, entity)
                try service.relink(db, from: sourceID, to: .integer(targetID), by: consequence,
                                   data: ["reason": "merged", "mergedFrom": .int(sourceID)])
                try crm.requisites.move(db, from: RecordRef(entityType, sourceID), to: RecordRef(entityType, targetID), by: consequence)
                try TimelineStore.move(db, from: RecordRef(entityType, sourceID), to: RecordRef(entityType, targetID))
                try service.store.delete(db, id: sourceID)
                var change = Change(ChangeEntity(entityType), id: .int(sourceID), .deleted, by: caller, at: crm.nowText,
                                    data: ["mergedInto": .int(targetID)])
                change.before = source
                try crm.apply(change, in: db)
            }
            let filled = entity.storedFields.map(\.name).filter { old.isEmpty($0) && !target.isEmpty($0) && !["updatedAt", "updatedBy"].contains($0) }
                + Set(target.custom.keys).subtracting(old.custom.keys).sorted().map { "custom." + $0 }
            try service.write(db, id: targetID, from: old, to: target, by: caller, operation: .merged,
                              data: ["sourceIds": .array(sources.map(JSON.int)), "filledFields": .array(filled.map(JSON.string))])
            return try service.load(db, targetID).json(entity)
        }
    }

    /// Fills what `target` lacks from `source`: empty writable fields, missing custom values,
    /// and phones and e-mails the target does not have yet (compared by normalized key).
    static func fill(_ target: inout RecordState, from source: RecordState, _ entity: EntityDescriptor) {
        for field in entity.storedFields where !field.isReadOnly {
            switch field.kind {
            case .phones, .emails:
                let isPhone = field.kind == .phones
                let key = { (value: String) -> String in isPhone ? ContactKeys.phone(value) : ContactKeys.email(value) }
                var list = JSONText.parse(target.columns[field.name]?.string)?.arrayValue ?? []
                var seen = Set(list.compactMap { $0["value"]?.stringValue }.map(key))
                for item in JSONText.parse(source.columns[field.name]?.string)?.arrayValue ?? [] {
                    guard let value = item["value"]?.stringValue, seen.insert(key(value)).inserted else { continue }
                    list.append(item)
                }
                target.columns[field.name] = .text(JSON.array(list).text)
            case .stage, .pipeline:
                continue
            default:
                if target.isEmpty(field.name), !source.isEmpty(field.name) { target.columns[field.name] = source.columns[field.name] }
            }
        }
        for (code, value) in source.custom where target.custom[code] == nil { target.custom[code] = value }
    }
}

extension CRM {
    package var merges: MergeService { MergeService(crm: self) }
}
