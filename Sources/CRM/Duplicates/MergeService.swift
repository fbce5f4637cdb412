import JSONKit
import Storage

/// `contact.merge` and `company.merge` (S12): the sources' links, requisites, deals and
/// timeline move to the target, the target's empty fields are filled from the sources,
/// phones and e-mails are united, the sources are removed — all in one transaction.
package struct MergeService: Sendable {
    let crm: CRM

    /// Tables whose rows point at a merged record and move to the target.
    private static let links: [EntityType: [(table: String, column: String)]] = [
        .company: [("contacts", "company_id"), ("deals", "company_id")],
        .contact: [("deals", "contact_id")],
    ]

    package func merge(_ entityType: EntityType, targetID: Int64, sourceIDs: [Int64], actor: Int64) throws -> JSON {
        guard let links = Self.links[entityType] else {
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
            let now = crm.nowText
            for sourceID in sources {
                let source = try service.load(db, sourceID)
                Self.fill(&target, from: source, entity)
                let owner: [SQLValue] = [.text(entityType.rawValue), .integer(sourceID)]
                for link in links {
                    try db.execute("UPDATE \(link.table) SET \(link.column) = ? WHERE \(link.column) = ?", [.integer(targetID), .integer(sourceID)])
                }
                try db.execute("UPDATE requisites SET entity_id = ? WHERE entity_type = ? AND entity_id = ?", [.integer(targetID)] + owner)
                try db.execute("UPDATE timeline SET entity_id = ? WHERE entity_type = ? AND entity_id = ?", [.integer(targetID)] + owner)
                try db.execute("DELETE FROM match_keys WHERE entity_type = ? AND entity_id = ?", owner)
                try RecordIndexes.remove(db, entity, id: sourceID)
                try db.execute("DELETE FROM \(entity.table) WHERE id = ?", [.integer(sourceID)])
            }
            target.columns["updatedAt"] = .text(now)
            target.columns["updatedBy"] = .integer(actor)
            target.columns["version"] = .integer((old.columns["version"]?.int64 ?? 0) + 1)
            try service.save(db, id: targetID, state: target)
            try RequisiteService.reindexINN(db, entityType, targetID)
            let filled = entity.storedFields.map(\.name).filter { old.isEmpty($0) && !target.isEmpty($0) && !["updatedAt", "updatedBy"].contains($0) }
                + Set(target.custom.keys).subtracting(old.custom.keys).sorted().map { "custom." + $0 }
            try TimelineService.append(db, entityType, targetID, .merged, author: actor, at: now,
                                       data: ["sourceIds": .array(sources.map(JSON.int)), "filledFields": .array(filled.map(JSON.string))])
            return target.json(entity)
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
