import CSQLite

/// A prepared statement of one `Database`, finalized when the last reference goes away.
///
/// It is used by one caller at a time (`isInUse`) and is always reset, with its bindings
/// cleared, before it is handed out again. Text and blobs are bound with the transient
/// destructor, so SQLite keeps its own copy and no Swift buffer has to outlive the call.
final class Statement {
    let handle: OpaquePointer
    let connection: OpaquePointer
    let sql: String
    var isInUse = false
    /// The result's column names, kept while SQLite has not re-prepared the statement (a schema
    /// change can change them), so a cached statement builds its name map once.
    private var columnsCache: (columns: RowColumns, reprepares: Int32)?

    init(handle: OpaquePointer, connection: OpaquePointer, sql: String) {
        self.handle = handle
        self.connection = connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    func bind(_ arguments: [SQLValue]) throws(SQLiteError) {
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard expected == arguments.count else {
            throw SQLiteError(
                code: SQLITE_RANGE,
                message: "the statement takes \(expected) argument(s), \(arguments.count) given",
                sql: sql)
        }
        for (offset, value) in arguments.enumerated() {
            let index = Int32(offset + 1)
            let result: Int32
            switch value {
            case .null: result = sqlite3_bind_null(handle, index)
            case .integer(let number): result = sqlite3_bind_int64(handle, index, number)
            case .real(let number): result = sqlite3_bind_double(handle, index, number)
            case .text(let text): result = bindText(text, at: index)
            case .blob(let bytes): result = bindBlob(bytes, at: index)
            }
            guard result == SQLITE_OK else { throw SQLiteError(connection: connection, sql: sql) }
        }
    }

    private func bindText(_ text: String, at index: Int32) -> Int32 {
        var text = text
        return text.withUTF8 { utf8 in
            // A nil pointer would bind NULL, but an empty string must stay ''.
            guard let base = utf8.baseAddress, !utf8.isEmpty else {
                return sqlite3_bind_text(handle, index, "", 0, crmd_sqlite_transient())
            }
            return UnsafeRawPointer(base).withMemoryRebound(to: CChar.self, capacity: utf8.count) {
                sqlite3_bind_text64(
                    handle, index, $0, UInt64(utf8.count), crmd_sqlite_transient(), UInt8(SQLITE_UTF8))
            }
        }
    }

    private func bindBlob(_ bytes: [UInt8], at index: Int32) -> Int32 {
        bytes.withUnsafeBytes { raw in
            // A nil pointer would bind NULL, but an empty blob must stay x''.
            guard let base = raw.baseAddress, !raw.isEmpty else {
                return sqlite3_bind_zeroblob(handle, index, 0)
            }
            return sqlite3_bind_blob64(handle, index, base, UInt64(raw.count), crmd_sqlite_transient())
        }
    }

    /// `true` when a row is available, `false` when the statement is done.
    func step() throws(SQLiteError) -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw SQLiteError(connection: connection, sql: sql)
        }
    }

    /// Makes the statement reusable: rewinds it and sets every parameter back to NULL.
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        isInUse = false
    }

    func columnNames() -> [String] {
        (0..<sqlite3_column_count(handle)).map { column in
            sqlite3_column_name(handle, column).map { String(cString: $0) } ?? ""
        }
    }

    /// The names of the result's columns, for the rows of one execution to share. Asked after
    /// the first step, when an expired statement has been re-prepared.
    func rowColumns() -> RowColumns {
        let reprepares = sqlite3_stmt_status(handle, SQLITE_STMTSTATUS_REPREPARE, 0)
        if let cached = columnsCache, cached.reprepares == reprepares { return cached.columns }
        let columns = RowColumns(columnNames())
        columnsCache = (columns, reprepares)
        return columns
    }

    func currentRow(columns: RowColumns) -> Row {
        var values: [SQLValue] = []
        values.reserveCapacity(columns.names.count)
        for column in 0..<Int32(columns.names.count) {
            values.append(value(at: column))
        }
        return Row(layout: columns, values: values)
    }

    private func value(at column: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(handle, column))
        case SQLITE3_TEXT:
            // sqlite3_column_text first, then sqlite3_column_bytes, as SQLite documents.
            guard let text = sqlite3_column_text(handle, column) else { return .text("") }
            let count = Int(sqlite3_column_bytes(handle, column))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            guard let blob = sqlite3_column_blob(handle, column) else { return .blob([]) }
            let count = Int(sqlite3_column_bytes(handle, column))
            return .blob(Array(UnsafeRawBufferPointer(start: blob, count: count)))
        default:
            return .null
        }
    }
}
