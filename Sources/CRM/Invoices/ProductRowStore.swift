import JSONKit
import Storage

/// The SQL of a deal's product rows: one row per line in position order, each kept as the
/// normalized JSON of `ProductRowService.stored` and read back strictly.
enum ProductRowStore {
    /// The deal's rows in order; a row that does not read back throws `StoredDataError`.
    static func lines(_ db: Database, _ dealID: Int64) throws -> [InvoiceLine] {
        try db.query("SELECT position, row FROM deal_product_rows WHERE deal_id = ? ORDER BY position", [.integer(dealID)]).map { row in
            try StoredData.read("deal_product_rows", "\(dealID)/\(row["position"].int64.map(String.init) ?? "?")") {
                try ProductRowService.restore(try StoredData.json(try row.text("row"), "row"))
            }
        }
    }

    /// Replaces the deal's rows with `lines`, in their order.
    static func replace(_ db: Database, dealID: Int64, with lines: [InvoiceLine]) throws {
        try db.execute("DELETE FROM deal_product_rows WHERE deal_id = ?", [.integer(dealID)])
        for (index, line) in lines.enumerated() {
            try db.execute("INSERT INTO deal_product_rows (deal_id, position, row) VALUES (?, ?, ?)",
                           [.integer(dealID), .integer(Int64(index)), .text(ProductRowService.stored(line).text)])
        }
    }

    /// The deal's currency (RUB when it has none), or nil if there is no such deal.
    static func currency(_ db: Database, dealID: Int64) throws -> String? {
        guard let row = try db.queryOne("SELECT coalesce(currency, 'RUB') AS currency FROM deals WHERE id = ?", [.integer(dealID)]) else {
            return nil
        }
        return try row.text("currency")
    }
}
