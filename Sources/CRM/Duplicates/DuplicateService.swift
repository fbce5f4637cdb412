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

    package func find(_ entityType: EntityType, _ keys: Keys) throws -> JSON {
        guard entityType == .contact || entityType == .company else {
            throw CRMError.invalidValue(field: "entityType", reason: "option", message: "duplicates are searched among contacts and companies")
        }
        return try crm.pool.read { db in ["items": .array(try Self.matches(db, entityType, keys))] }
    }

    /// Matches as `{id, title, matchedBy: [{key, value}]}`, most matched keys first.
    static func matches(_ db: Database, _ entityType: EntityType, _ keys: Keys, limit: Int = 20) throws -> [JSON] {
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
        }.map(\.element).prefix(limit)
        return try ranked.map { id in
            ["id": .int(id), "title": .string(try displayTitle(db, entityType, id)), "matchedBy": .array(found[id] ?? [])]
        }
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
