/// A statement a write left to run just before its group's `COMMIT`.
struct DeferredStatement {
    let sql: String
    let arguments: [SQLValue]
}

extension Database {
    /// Runs `sql` now, or, inside a write of the group-commit writer, once just before the
    /// group's `COMMIT`, after the statements deferred before it, outside every savepoint.
    ///
    /// For statements nothing in the same group reads back and that cannot fail on their own,
    /// such as a full-text row: FTS5 flushes its pending terms whenever a savepoint begins,
    /// so rows inserted in each write's own savepoint are written one small segment at a time,
    /// while the group's rows inserted together are written as one. A write that is rolled
    /// back takes its deferred statements with it; if one fails at commit, the whole group fails
    /// as a failed `COMMIT` does.
    public func executeBeforeCommit(_ sql: String, _ arguments: [SQLValue] = []) throws(SQLiteError) {
        guard commitNoteMode != .outsideWrite else {
            try execute(sql, arguments)
            return
        }
        deferredStatements.append(DeferredStatement(sql: sql, arguments: arguments))
    }

    /// The statements the write body deferred, handed over once it ends.
    func takeDeferredStatements() -> [DeferredStatement] {
        guard !deferredStatements.isEmpty else { return [] }
        let statements = deferredStatements
        deferredStatements = []
        return statements
    }
}
