import Storage

/// The SQL of duplicate search: probes of the normalized phone and e-mail index
/// (`communications`) and of the name and INN keys (`match_keys`), and the titles matches show.
enum MatchKeyStore {
    /// At most 50 records of `entityType` with a phone or e-mail (`kind`) whose normalized form is `normalized`.
    static func withCommunication(_ db: Database, _ entityType: EntityType, kind: String, normalized: String) throws -> [Int64] {
        try db.query("SELECT entity_id FROM communications WHERE kind = ? AND normalized = ? AND entity_type = ? LIMIT 50",
                     [.text(kind), .text(normalized), .text(entityType.rawValue)]).map { try $0.int64("entity_id") }
    }

    /// At most 50 records of `entityType` with the duplicate key `key` of `kind` (`title`, `inn`).
    static func withKey(_ db: Database, _ entityType: EntityType, kind: String, key: String) throws -> [Int64] {
        try db.query("SELECT entity_id FROM match_keys WHERE kind = ? AND key = ? AND entity_type = ? LIMIT 50",
                     [.text(kind), .text(key), .text(entityType.rawValue)]).map { try $0.int64("entity_id") }
    }

    /// A company's title; nil when it has none or is gone.
    static func companyTitle(_ db: Database, _ id: Int64) throws -> String? {
        try db.queryOne("SELECT title FROM companies WHERE id = ?", [.integer(id)])?.optionalText("title")
    }

    /// A contact's last, first and middle name, each nil when empty; nil when the contact is gone.
    static func contactName(_ db: Database, _ id: Int64) throws -> (lastName: String?, name: String?, secondName: String?)? {
        guard let row = try db.queryOne("SELECT last_name, name, second_name FROM contacts WHERE id = ?", [.integer(id)]) else { return nil }
        return (try row.optionalText("last_name"), try row.optionalText("name"), try row.optionalText("second_name"))
    }
}
