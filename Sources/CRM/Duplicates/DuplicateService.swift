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
        func collect(_ sql: String, _ arguments: [SQLValue], key: String, value: String) throws {
            for row in try db.query(sql, arguments) {
                let id = try row.int64("entity_id")
                if found[id] == nil { order.append(id) }
                let match: JSON = ["key": .string(key), "value": .string(value)]
                if !(found[id] ?? []).contains(match) { found[id, default: []].append(match) }
            }
        }
        let type = SQLValue.text(entityType.rawValue)
        let byCommunication = "SELECT entity_id FROM communications WHERE kind = ? AND normalized = ? AND entity_type = ? LIMIT 50"
        for phone in keys.phones {
            try collect(byCommunication, [.text("phone"), .text(ContactKeys.phone(phone)), type], key: "phone", value: phone)
        }
        for email in keys.emails {
            try collect(byCommunication, [.text("email"), .text(ContactKeys.email(email)), type], key: "email", value: email)
        }
        let byKey = "SELECT entity_id FROM match_keys WHERE kind = ? AND key = ? AND entity_type = ? LIMIT 50"
        if let inn = keys.inn, !inn.isEmpty { try collect(byKey, [.text("inn"), .text(inn), type], key: "inn", value: inn) }
        if let title = keys.title {
            let key = entityType == .company ? MatchKeys.companyTitle(title) : MatchKeys.personName(title)
            if let key { try collect(byKey, [.text("title"), .text(key), type], key: "title", value: title) }
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
            return try db.queryOne("SELECT title FROM companies WHERE id = ?", [.integer(id)])?.optionalText("title") ?? ""
        }
        guard let row = try db.queryOne("SELECT last_name, name, second_name FROM contacts WHERE id = ?", [.integer(id)]) else { return "" }
        return try [row.optionalText("last_name"), row.optionalText("name"), row.optionalText("second_name")].compactMap { $0 }
            .joined(separator: " ")
    }
}

extension CRM {
    package var duplicates: DuplicateService { DuplicateService(crm: self) }
}
