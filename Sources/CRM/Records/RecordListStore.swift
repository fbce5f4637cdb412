import Storage

/// The SQL of one list query: a page of ids and sort keys in the list's order (keyset after a
/// cursor), the page's records, and the count of all matches. The filters and search come
/// from the `ListQueryBuilder`, the sort keys from the service.
struct RecordListStore {
    typealias SortKey = (expression: String, arguments: [SQLValue], descending: Bool)
    /// One listed record: its id and the values of its sort keys (a cursor is made of them).
    struct Key {
        let id: Int64
        let keys: [SQLValue]
    }

    let entity: EntityDescriptor
    let builder: ListQueryBuilder
    let sortKeys: [SortKey]
    let idDescending: Bool

    /// Up to `limit` keys after `after`, the records of those keys by id, and whether more follow.
    /// First the page's ids and sort keys (an index or a bounded sort over narrow rows), then the
    /// records themselves: wide columns are read for the page only.
    func page(_ db: Database, after: (keys: [SQLValue], id: Int64)?, limit: Int) throws -> (keys: [Key], records: [Int64: Row], more: Bool) {
        var conditions = builder.conditions
        var arguments = builder.arguments
        if let after {
            let (condition, values) = keyset(after.keys, after.id)
            conditions.append(condition)
            arguments += values
        }
        let selectKeys = sortKeys.enumerated().map { "\($1.expression) AS sort_\($0)" }.joined(separator: ", ")
        var sql = "SELECT t.id AS id\(selectKeys.isEmpty ? "" : ", " + selectKeys) FROM \(builder.source)"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        let orderTerms = sortKeys.map { "\($0.expression) \($0.descending ? "DESC" : "ASC")" }
            + ["\(builder.idExpression) \(idDescending ? "DESC" : "ASC")"]
        sql += " ORDER BY " + orderTerms.joined(separator: ", ") + " LIMIT ?"
        let sortArguments = sortKeys.flatMap(\.arguments)
        let rows = try db.query(sql, sortArguments + arguments + sortArguments + [.integer(Int64(limit + 1))])
        let page = try rows.prefix(limit).map { row in
            Key(id: try row.int64("id"), keys: try (0..<sortKeys.count).map { try row.value("sort_\($0)") })
        }
        var records: [Int64: Row] = [:]
        if !page.isEmpty {
            let marks = Array(repeating: "?", count: page.count).joined(separator: ", ")
            for row in try db.query("SELECT \(entity.columnList) FROM \(entity.table) WHERE id IN (\(marks))", page.map { .integer($0.id) }) {
                records[try row.int64("id")] = row
            }
        }
        return (page, records, rows.count > limit)
    }

    /// A field to sort by as an expression: empty values sort first (as the smallest of their kind).
    static func sortKey(_ target: ListQueryBuilder.Resolved, descending: Bool) -> SortKey {
        var expression = target.comparable
        if !target.isNonNull {
            let sentinel = [.integer, .user, .pipeline, .boolean, .money].contains(target.field.kind) ? "-9223372036854775808" : "''"
            expression = "coalesce(\(expression), \(sentinel))"
        }
        return (expression, target.arguments, descending)
    }

    /// How many records match the filters and search (the cursor aside).
    func count(_ db: Database) throws -> Int64 {
        var sql = "SELECT count(*) AS total FROM \(builder.source)"
        if !builder.conditions.isEmpty { sql += " WHERE " + builder.conditions.joined(separator: " AND ") }
        return try db.queryOne(sql, builder.arguments)?.int64("total") ?? 0
    }

    /// Rows strictly after the cursor in the list's order.
    private func keyset(_ cursorKeys: [SQLValue], _ cursorID: Int64) -> (String, [SQLValue]) {
        let all = sortKeys.map { ($0.expression, $0.arguments, $0.descending) } + [(builder.idExpression, [], idDescending)]
        let values = cursorKeys + [.integer(cursorID)]
        if Set(all.map(\.2)).count == 1 {
            let op = all[0].2 ? "<" : ">"
            let left = all.map(\.0).joined(separator: ", ")
            let marks = Array(repeating: "?", count: all.count).joined(separator: ", ")
            return ("(\(left)) \(op) (\(marks))", all.flatMap(\.1) + values)
        }
        var branches: [String] = []
        var arguments: [SQLValue] = []
        for index in all.indices {
            var parts: [String] = []
            for earlier in 0..<index {
                parts.append("\(all[earlier].0) = ?")
                arguments += all[earlier].1 + [values[earlier]]
            }
            parts.append("\(all[index].0) \(all[index].2 ? "<" : ">") ?")
            arguments += all[index].1 + [values[index]]
            branches.append("(" + parts.joined(separator: " AND ") + ")")
        }
        return ("(" + branches.joined(separator: " OR ") + ")", arguments)
    }
}
