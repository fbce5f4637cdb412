import JSONKit
import Storage

/// Finds existing contacts or companies that may be the same as a new one, by normalized
/// phone, e-mail, INN and name (S11). Every lookup is an index probe, so the cost does not
/// grow with the number of records.
package struct DuplicateService: Sendable {
    let crm: CRM

    /// What to look for; any subset.
    package struct Keys: Sendable {
        package var phones: [String] = []
        package var emails: [String] = []
        package var inn: String?
        package var title: String?
        package init() {}
        package var isEmpty: Bool { phones.isEmpty && emails.isEmpty && inn == nil && title == nil }
    }

    /// Matches `access` (when given) may read; the others are left out.
    package func find(_ entityType: EntityType, _ keys: Keys, access: Access? = nil) throws -> JSON {
        guard entityType == .contact || entityType == .company else {
            throw CRMError.invalidValue(field: "entityType", reason: "option", message: "duplicates are searched among contacts and companies")
        }
        return try crm.pool.read { db in ["items": .array(try Self.matches(db, entityType, keys, access: access, hidden: .leftOut))] }
    }

    /// What becomes of a match the caller may not read.
    enum Hidden {
        /// Not shown (a search).
        case leftOut
        /// Shown as `{hidden: true, assignedTo, matchedBy: [{key}]}` without its id or data:
        /// a conversion must not create a duplicate the caller cannot see.
        case masked
    }

    /// Matches as `{id, title, matchedBy: [{key, value}]}`, most matched keys first; those
    /// `access` may not read as `hidden` says.
    static func matches(_ db: Database, _ entityType: EntityType, _ keys: Keys, limit: Int = 20, access: Access? = nil,
                        hidden: Hidden = .leftOut) throws -> [JSON] {
        var found: [Int64: [JSON]] = [:]
        var order: [Int64] = []
        func collect(_ ids: [Int64], key: String, value: String) {
            for id in ids {
                if found[id] == nil { order.append(id) }
                let match: JSON = ["key": .string(key), "value": .string(value)]
                if !(found[id] ?? []).contains(match) { found[id, default: []].append(match) }
            }
        }
        for phone in keys.phones {
            try collect(MatchKeyStore.withCommunication(db, entityType, kind: "phone", normalized: ContactKeys.phone(phone)),
                        key: "phone", value: phone)
        }
        for email in keys.emails {
            try collect(MatchKeyStore.withCommunication(db, entityType, kind: "email", normalized: ContactKeys.email(email)),
                        key: "email", value: email)
        }
        if let inn = keys.inn, !inn.isEmpty { try collect(MatchKeyStore.withKey(db, entityType, kind: "inn", key: inn), key: "inn", value: inn) }
        if let title = keys.title {
            let key = entityType == .company ? MatchKeys.companyTitle(title) : MatchKeys.personName(title)
            if let key { try collect(MatchKeyStore.withKey(db, entityType, kind: "title", key: key), key: "title", value: title) }
        }
        let ranked = order.enumerated().sorted { lhs, rhs in
            let (l, r) = (found[lhs.element]?.count ?? 0, found[rhs.element]?.count ?? 0)
            return l != r ? l > r : lhs.offset < rhs.offset
        }.map(\.element)
        var result: [JSON] = []
        for id in ranked where result.count < limit {
            if let access, let owner = try RecordStore(entity: entityType.descriptor).owner(db, id),
               !access.allows(PermissionEntity(entityType), .read, owner: owner) {
                guard hidden == .masked else { continue }
                let keys = Array(Set((found[id] ?? []).compactMap { $0["key"]?.stringValue })).sorted()
                result.append(["hidden": true, "assignedTo": owner.assignedTo.map(JSON.int) ?? .null,
                               "matchedBy": .array(keys.map { ["key": .string($0)] })])
                continue
            }
            result.append(["id": .int(id), "title": .string(try displayTitle(db, entityType, id)), "matchedBy": .array(found[id] ?? [])])
        }
        return result
    }

    /// A company's title or a contact's full name.
    static func displayTitle(_ db: Database, _ entityType: EntityType, _ id: Int64) throws -> String {
        if entityType == .company {
            // A company without a title (or gone) is shown with an empty one.
            return try MatchKeyStore.companyTitle(db, id) ?? ""
        }
        // A contact that is gone is shown with an empty name.
        guard let name = try MatchKeyStore.contactName(db, id) else { return "" }
        return [name.lastName, name.name, name.secondName].compactMap { $0 }.joined(separator: " ")
    }
}

extension CRM {
    package var duplicates: DuplicateService { DuplicateService(crm: self) }
}
