/// A statement a write left to run just before its group's `COMMIT`.
struct DeferredStatement {
    enum Shape {
        /// Any statement, run as written.
        case sql(String)
        /// One row into `table`'s `columns`: consecutive rows of the same shape run as one
        /// multi-row `INSERT`.
        case insert(columns: [String])
    }

    /// The table the statement changes (with whatever its triggers change): statements on the
    /// same table run in the order they were deferred; statements on different tables commute.
    let table: String
    let shape: Shape
    let arguments: [SQLValue]
}

extension Database {
    /// Runs `sql` now, or, inside a write of the group-commit writer, once just before the
    /// group's `COMMIT`, outside every savepoint, after the statements deferred before it on the
    /// same `table`.
    ///
    /// For statements nothing in the same group reads back and that cannot fail on their own,
    /// such as a full-text row. `table` is the one table the statement (and its triggers)
    /// changes: the group's statements run table by table, in the order each table was first
    /// named, so they must commute with statements on other tables. A write that is rolled back
    /// takes its deferred statements with it; if one fails at commit, the whole group fails as
    /// a failed `COMMIT` does.
    public func executeBeforeCommit(_ sql: String, _ arguments: [SQLValue] = [], on table: String) throws(SQLiteError) {
        guard commitNoteMode != .outsideWrite else {
            try execute(sql, arguments)
            return
        }
        deferredStatements.append(DeferredStatement(table: table, shape: .sql(sql), arguments: arguments))
    }

    /// Inserts one row (`values` for `columns`) into `table` as `executeBeforeCommit` does; the
    /// group's rows for the same table and columns, deferred one after another on that table, go
    /// in as one multi-row `INSERT`. That is the point for an FTS5 table: FTS5 writes its pending
    /// terms out as a new segment whenever a statement that changes it begins inside a
    /// transaction, so one statement per row would write one small segment per row.
    public func insertBeforeCommit(into table: String, columns: [String], values: [SQLValue]) throws(SQLiteError) {
        precondition(columns.count == values.count && !columns.isEmpty, "one value per column")
        guard commitNoteMode != .outsideWrite else {
            try execute(Self.insertSQL(into: table, columns: columns, rows: 1), values)
            return
        }
        deferredStatements.append(DeferredStatement(table: table, shape: .insert(columns: columns), arguments: values))
    }

    /// The statements the write body deferred, handed over once it ends.
    func takeDeferredStatements() -> [DeferredStatement] {
        guard !deferredStatements.isEmpty else { return [] }
        let statements = deferredStatements
        deferredStatements = []
        return statements
    }

    /// Runs a group's deferred statements: table by table in the order the tables were first
    /// named, each table's in the order deferred, runs of inserts of one shape as one statement.
    func runDeferred(_ statements: [DeferredStatement]) throws(SQLiteError) {
        var tables: [String] = []
        var byTable: [String: [DeferredStatement]] = [:]
        for statement in statements {
            if byTable[statement.table] == nil { tables.append(statement.table) }
            byTable[statement.table, default: []].append(statement)
        }
        for table in tables {
            let list = byTable[table] ?? []
            var start = 0
            while start < list.count {
                guard case .insert(let columns) = list[start].shape else {
                    if case .sql(let sql) = list[start].shape { try execute(sql, list[start].arguments) }
                    start += 1
                    continue
                }
                let limit = start + max(1, min(Self.deferredRowsPerInsert, Self.maximumVariables / columns.count))
                var end = start + 1
                while end < min(list.count, limit), case .insert(let next) = list[end].shape, next == columns {
                    end += 1
                }
                var arguments: [SQLValue] = []
                arguments.reserveCapacity((end - start) * columns.count)
                for statement in list[start..<end] { arguments.append(contentsOf: statement.arguments) }
                try execute(Self.insertSQL(into: table, columns: columns, rows: end - start), arguments)
                start = end
            }
        }
    }

    /// Rows per multi-row insert: a group rarely holds more, and each distinct row count is
    /// one more cached statement.
    static let deferredRowsPerInsert = 32
    /// SQLite's default limit on a statement's parameters.
    static let maximumVariables = 32_766

    static func insertSQL(into table: String, columns: [String], rows: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        return "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
            + Array(repeating: row, count: rows).joined(separator: ", ")
    }
}
