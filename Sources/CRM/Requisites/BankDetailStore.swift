import JSONKit
import Storage

/// The SQL of bank details. Values are keyed by their API names (`bankName`, `corrAccount`, ...);
/// this is the only place that knows the columns.
enum BankDetailStore {
    /// Inserts a bank detail under a requisite; returns its id.
    static func insert(_ db: Database, requisiteID: Int64, _ values: [String: String], at now: String) throws -> Int64 {
        try db.execute("""
            INSERT INTO bank_details (requisite_id, name, bik, bank_name, bank_city, corr_account, account, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.integer(requisiteID), SQLValue(values["name"]), SQLValue(values["bik"]), SQLValue(values["bankName"]),
                  SQLValue(values["bankCity"]), SQLValue(values["corrAccount"]), SQLValue(values["account"]), .text(now), .text(now)])
        return db.lastInsertRowID
    }

    /// Rewrites every field (a missing value clears its column) with a new version.
    static func update(_ db: Database, id: Int64, _ values: [String: String], at now: String) throws {
        try db.execute("""
            UPDATE bank_details SET name = ?, bik = ?, bank_name = ?, bank_city = ?, corr_account = ?, account = ?, updated_at = ?,
            version = version + 1 WHERE id = ?
            """, [SQLValue(values["name"]), SQLValue(values["bik"]), SQLValue(values["bankName"]), SQLValue(values["bankCity"]),
                  SQLValue(values["corrAccount"]), SQLValue(values["account"]), .text(now), .integer(id)])
    }

    static func delete(_ db: Database, id: Int64) throws {
        try db.execute("DELETE FROM bank_details WHERE id = ?", [.integer(id)])
    }

    /// Ids of a requisite's bank details, oldest first.
    static func ids(_ db: Database, requisiteID: Int64) throws -> [Int64] {
        try db.query("SELECT id FROM bank_details WHERE requisite_id = ? ORDER BY id", [.integer(requisiteID)]).map { try $0.int64("id") }
    }

    /// The API form of a bank detail, or nil if there is none with that id.
    static func detail(_ db: Database, _ id: Int64) throws -> JSON? {
        guard let row = try db.queryOne("""
            SELECT id, requisite_id, name, bik, bank_name, bank_city, corr_account, account, created_at, updated_at, version
            FROM bank_details WHERE id = ?
            """, [.integer(id)]) else { return nil }
        func text(_ column: String) throws -> JSON { try row.optionalText(column).map(JSON.string) ?? .null }
        return [
            "id": .int(id), "requisiteId": .int(try row.int64("requisite_id")), "name": try text("name"), "bik": .string(try row.text("bik")),
            "bankName": try text("bank_name"), "bankCity": try text("bank_city"), "corrAccount": try text("corr_account"),
            "account": .string(try row.text("account")), "createdAt": .string(try row.text("created_at")),
            "updatedAt": .string(try row.text("updated_at")), "version": .int(try row.int64("version")),
        ]
    }
}
