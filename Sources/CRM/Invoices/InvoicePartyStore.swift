import Storage

/// The SQL behind choosing an invoice's parties: which requisites a record has, which
/// company is ours. The requisites themselves are read by `RequisiteService`.
enum InvoicePartyStore {
    /// The requisites of a record, oldest first, with their preset (`legal`, `ip`, `person`).
    static func requisites(_ db: Database, of owner: RecordRef) throws -> [(id: Int64, preset: String)] {
        try db.query("SELECT id, preset FROM requisites WHERE entity_type = ? AND entity_id = ? ORDER BY id",
                     [.text(owner.type.rawValue), .integer(owner.id)]).map { row in (try row.int64("id"), try row.text("preset")) }
    }

    /// Up to `limit` companies marked `isMyCompany`, lowest id first.
    static func myCompanyIDs(_ db: Database, limit: Int) throws -> [Int64] {
        try db.query("SELECT id FROM companies WHERE is_my_company = 1 ORDER BY id LIMIT ?", [.integer(Int64(limit))]).map { try $0.int64("id") }
    }

    /// Whether a company with that id exists (the seller setting must name one).
    static func companyExists(_ db: Database, _ id: Int64) throws -> Bool {
        try db.queryOne("SELECT 1 FROM companies WHERE id = ?", [.integer(id)]) != nil
    }
}
