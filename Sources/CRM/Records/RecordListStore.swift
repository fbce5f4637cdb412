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

    /// Rows of the list's order a page first looks for its matches in (`firstRows`).
    static let scanBudget = 2000

    /// Up to `limit` keys after `after`, the records of those keys by id, and whether more follow.
    /// First the page's ids and sort keys, then the records themselves: wide columns are read
    /// for the page only.
    ///
    /// When the query as a whole would collect every match before taking a page (SQLite sorts
    /// them, or a trigram lookup lists them), the first `scanBudget` rows in list order are
    /// checked first: a dense filter (an overdue invoice, a common substring) finds its page
    /// there. Otherwise, or when they hold too few matches, the query as a whole runs, and
    /// SQLite's indexes find the sparse matches.
    func page(_ db: Database, after: (keys: [SQLValue], id: Int64)?, limit: Int) throws -> (keys: [Key], records: [Int64: Row], more: Bool) {
        let (sql, arguments) = wholeQuery(after: after, limit: limit)
        var rows: [Row]?
        if !builder.isSearch, !builder.conditions.isEmpty, try scansFirst(db, sql, arguments) {
            rows = try firstRows(db, after: after, limit: limit)
        }
        let found = try rows ?? db.query(sql, arguments)
        let page = try found.prefix(limit).map { row in
            Key(id: try row.int64("id"), keys: try (0..<sortKeys.count).map { try row.value("sort_\($0)") })
        }
        var records: [Int64: Row] = [:]
        if !page.isEmpty {
            let marks = Array(repeating: "?", count: page.count).joined(separator: ", ")
            for row in try db.query("SELECT \(entity.columnList) FROM \(entity.table) WHERE id IN (\(marks))", page.map { .integer($0.id) }) {
                records[try row.int64("id")] = row
            }
        }
        return (page, records, found.count > limit)
    }

    /// The query of up to `limit` + 1 matches' ids and sort keys, as a whole.
    private func wholeQuery(after: (keys: [SQLValue], id: Int64)?, limit: Int) -> (String, [SQLValue]) {
        var conditions = builder.conditions
        var arguments = builder.arguments
        if let after {
            let (condition, values) = keyset(after.keys, after.id)
            conditions.append(condition)
            arguments += values
        }
        var sql = "SELECT t.id AS id\(selectedKeys) FROM \(builder.source)"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY \(orderTerms) LIMIT ?"
        return (sql, sortArguments + arguments + sortArguments + [.integer(Int64(limit + 1))])
    }

    /// Whether to look among the first rows in list order before the query as a whole: when a
    /// condition collects its matches (a trigram lookup, an access scope reaching at least
    /// `scanBudget` records) or SQLite would sort every match. A scope reaching fewer records
    /// than that is collected whole at once: at most `scanBudget` ids, found by index.
    private func scansFirst(_ db: Database, _ sql: String, _ arguments: [SQLValue]) throws -> Bool {
        if builder.collectsMatches { return true }
        if let scansFirst = builder.scopeScansFirst { return scansFirst }
        return try sortsEveryMatch(db, sql, arguments)
    }

    /// Whether SQLite's plan for the query sorts its matches (reads them all) rather than walking
    /// an index in the list's order and stopping at the page's end.
    private func sortsEveryMatch(_ db: Database, _ sql: String, _ arguments: [SQLValue]) throws -> Bool {
        try db.query("EXPLAIN QUERY PLAN " + sql, arguments).contains { try $0.text("detail").contains("TEMP B-TREE FOR ORDER BY") }
    }

    /// The first `limit` + 1 matches among the first `scanBudget` rows in list order (after the
    /// cursor), each row checked by the builder's `rowConditions`; nil when those rows hold
    /// fewer. Walking the order is an index scan of ids (every sort field has its index), and
    /// each of those rows is then read once for its checks. When it finds `limit` + 1, they are
    /// the first matches of the whole list: every row beyond the budget comes later in the order.
    private func firstRows(_ db: Database, after: (keys: [SQLValue], id: Int64)?, limit: Int) throws -> [Row]? {
        var inner = "SELECT t.id AS id FROM \(entity.table) AS t"
        var keysetArguments: [SQLValue] = []
        if let after {
            let (condition, values) = keyset(after.keys, after.id)
            inner += " WHERE " + condition
            keysetArguments = values
        }
        inner += " ORDER BY \(orderTerms) LIMIT ?"
        var arguments = sortArguments + keysetArguments + sortArguments + [.integer(Int64(Self.scanBudget))]
        // CROSS JOIN keeps the scanned ids the outer loop: each row is looked up once by id.
        let sql = "SELECT t.id AS id\(selectedKeys) FROM (\(inner)) AS first CROSS JOIN \(entity.table) AS t ON t.id = first.id"
            + " WHERE \(builder.rowConditions.joined(separator: " AND ")) ORDER BY \(orderTerms) LIMIT ?"
        arguments += builder.rowArguments + sortArguments + [.integer(Int64(limit + 1))]
        let rows = try db.query(sql, arguments)
        return rows.count > limit ? rows : nil
    }

    /// `, <sort key> AS sort_0, …` for the SELECT list.
    private var selectedKeys: String {
        sortKeys.enumerated().map { ", \($1.expression) AS sort_\($0)" }.joined()
    }

    private var orderTerms: String {
        (sortKeys.map { "\($0.expression) \($0.descending ? "DESC" : "ASC")" }
            + ["\(builder.idExpression) \(idDescending ? "DESC" : "ASC")"]).joined(separator: ", ")
    }

    private var sortArguments: [SQLValue] { sortKeys.flatMap(\.arguments) }

    /// A field to sort by as an expression: empty values sort first (as the smallest of their kind).
    static func sortKey(_ target: ListQueryBuilder.Resolved, descending: Bool) -> SortKey {
        var expression = target.comparable
        if !target.isNonNull {
            let sentinel = [.integer, .user, .pipeline, .boolean, .money].contains(target.field.kind) ? "-9223372036854775808" : "''"
            expression = "coalesce(\(expression), \(sentinel))"
        }
        return (expression, target.arguments, descending)
    }

    /// Whether an access scope reaches fewer than `limit` records: counted from its indexes
    /// alone, reading at most `limit` entries of them.
    static func reachesFewer(_ scope: ScopeCondition, than limit: Int, _ db: Database) throws -> Bool {
        guard let ids = scope.ids else { return true }
        let count = try db.queryOne("SELECT count(*) AS n FROM (\(ids) LIMIT ?)", scope.arguments + [.integer(Int64(limit))])?.int64("n") ?? 0
        return count < limit
    }

    /// Whether any record of `table` is open to all (its partial index answers at once).
    static func anyOpen(_ table: String, _ db: Database) throws -> Bool {
        try db.queryOne("SELECT 1 AS found FROM \(table) WHERE opened = 1 LIMIT 1") != nil
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
