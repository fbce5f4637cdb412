import JSONKit
import Storage

/// The SQL of requisites: their rows and the INN duplicate keys of their owners.
enum RequisiteStore {
    /// Inserts a requisite of `owner`; returns its id.
    static func insert(_ db: Database, owner: RecordRef, preset: String, name: String?, fields: [String: JSON], inn: String?,
                       source: String, at now: String, by userID: Int64?) throws -> Int64 {
        try db.execute("""
            INSERT INTO requisites (entity_type, entity_id, preset, name, fields, inn, source, created_at, updated_at, created_by, updated_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(owner.type.rawValue), .integer(owner.id), .text(preset), SQLValue(name), .text(JSON.object(fields).text),
                  SQLValue(inn), .text(source), .text(now), .text(now), SQLValue(userID), SQLValue(userID)])
        return db.lastInsertRowID
    }

    /// Rewrites the fields (and the name, when given) with a new version.
    static func update(_ db: Database, id: Int64, fields: [String: JSON], inn: String?, name: String?, at now: String,
                       by userID: Int64?) throws {
        try db.execute("UPDATE requisites SET fields = ?, inn = ?, name = coalesce(?, name), updated_at = ?, updated_by = ?, version = version + 1 WHERE id = ?",
                       [.text(JSON.object(fields).text), SQLValue(inn), SQLValue(name), .text(now), SQLValue(userID), .integer(id)])
    }

    /// Gives a requisite to another record of the same type, with a new version.
    static func moveOwner(_ db: Database, id: Int64, toEntityID ownerID: Int64, at now: String, by userID: Int64?) throws {
        try db.execute("UPDATE requisites SET entity_id = ?, updated_at = ?, updated_by = ?, version = version + 1 WHERE id = ?",
                       [.integer(ownerID), .text(now), SQLValue(userID), .integer(id)])
    }

    /// Deletes a requisite; its bank details go with it (ON DELETE CASCADE).
    static func delete(_ db: Database, id: Int64) throws {
        try db.execute("DELETE FROM requisites WHERE id = ?", [.integer(id)])
    }

    /// Ids of the requisites of `owner`, oldest first.
    static func ids(_ db: Database, of owner: RecordRef) throws -> [Int64] {
        try db.query("SELECT id FROM requisites WHERE entity_type = ? AND entity_id = ? ORDER BY id",
                     [.text(owner.type.rawValue), .integer(owner.id)]).map { try $0.int64("id") }
    }

    /// Whether `owner` already has a requisite with this INN.
    static func hasINN(_ db: Database, of owner: RecordRef, _ inn: String) throws -> Bool {
        try db.queryOne("SELECT 1 FROM requisites WHERE entity_type = ? AND entity_id = ? AND inn = ?",
                        [.text(owner.type.rawValue), .integer(owner.id), .text(inn)]) != nil
    }

    /// Rewrites the owner's INN duplicate keys from its requisites.
    static func reindexINN(_ db: Database, _ entityType: EntityType, _ entityID: Int64) throws {
        try db.execute("DELETE FROM match_keys WHERE entity_type = ? AND entity_id = ? AND kind = 'inn'", [.text(entityType.rawValue), .integer(entityID)])
        try db.execute("""
            INSERT INTO match_keys (entity_type, entity_id, kind, key)
            SELECT DISTINCT entity_type, entity_id, 'inn', inn FROM requisites WHERE entity_type = ? AND entity_id = ? AND inn IS NOT NULL
            """, [.text(entityType.rawValue), .integer(entityID)])
    }

    /// The API form of a requisite with its bank details, or nil if there is none with that id.
    static func requisite(_ db: Database, _ id: Int64) throws -> JSON? {
        guard let row = try db.queryOne("""
            SELECT id, entity_type, entity_id, preset, name, fields, source, created_at, updated_at, version FROM requisites WHERE id = ?
            """, [.integer(id)]) else { return nil }
        let bankDetails = try BankDetailStore.ids(db, requisiteID: id).compactMap { try BankDetailStore.detail(db, $0) }
        return try StoredData.read("requisites", id) {
            [
                "id": .int(id), "entityType": .string(try StoredData.enumCase(try row.text("entity_type"), "entity_type", as: EntityType.self).rawValue),
                "entityId": .int(try row.int64("entity_id")),
                "preset": .string(try row.text("preset")), "name": try row.optionalText("name").map(JSON.string) ?? .null,
                "fields": .object(try StoredData.object(try row.text("fields"), "fields")),
                // A requisite whose source is NULL reads as typed in by hand, as it always has.
                "source": .string(try row.optionalText("source") ?? "manual"),
                "bankDetails": .array(bankDetails),
                "createdAt": .string(try row.text("created_at")), "updatedAt": .string(try row.text("updated_at")),
                "version": .int(try row.int64("version")),
            ]
        }
    }
}
