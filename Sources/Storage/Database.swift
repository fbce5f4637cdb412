import CSQLite

/// One SQLite connection with its own prepared-statement cache.
///
/// Not thread-safe, and deliberately not `Sendable`: one thread uses it at a time. A
/// `DatabasePool` only hands connections out inside `read`/`write` closures, under its own
/// locks, which is why connections are opened with `SQLITE_OPEN_NOMUTEX`.
/// Statements are cached by SQL text; a statement is always reset and its bindings cleared after
/// use, and a statement still in use (a nested query with the same text) is never shared.
public final class Database {
    private var connection: OpaquePointer?
    private var statementCache: [String: Statement] = [:]
    /// Past this many cached statements the cache starts over, so dynamic SQL cannot grow it forever.
    static let statementCacheCapacity = 256
    /// Set by the `GroupCommitWriter` around each write body (see `attachCommitNote`).
    var commitNoteMode = CommitNoteMode.outsideWrite
    /// Notes attached by the write body in progress, while `commitNoteMode` is `.collecting`.
    var commitNotes: [any Sendable] = []
    /// Statements the write body in progress left for its group's commit, while
    /// `commitNoteMode` is not `.outsideWrite` (see `executeBeforeCommit`).
    var deferredStatements: [DeferredStatement] = []
    /// What SQLite calls after each commit (`setWALHook`), kept alive with the connection.
    var walHook: WALHook?

    /// Opens (and, unless `readOnly`, creates) the database file at `path`, mode 0600.
    public init(path: String, readOnly: Bool = false) throws(SQLiteError) {
        if !readOnly { try PrivateFiles.prepare(databasePath: path) }
        var handle: OpaquePointer?
        let access = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let result = sqlite3_open_v2(path, &handle, access | SQLITE_OPEN_NOMUTEX, nil)
        guard result == SQLITE_OK, let handle else {
            let error = handle.map { SQLiteError(connection: $0, sql: nil) }
                ?? SQLiteError(code: result, message: String(cString: sqlite3_errstr(result)))
            sqlite3_close_v2(handle)
            throw error
        }
        sqlite3_extended_result_codes(handle, 1)
        connection = handle
    }

    deinit { close() }

    /// Runs one statement (a trailing `;` or comment is fine, a second statement is an error).
    public func execute(_ sql: String, _ arguments: [SQLValue] = []) throws(SQLiteError) {
        guard let statement = try checkout(sql, arguments) else { return }
        defer { statement.reset() }
        while try statement.step() {}
    }

    /// Runs several `;`-separated statements without arguments.
    public func executeScript(_ sql: String) throws(SQLiteError) {
        let handle = try openConnection(sql: sql)
        guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else {
            throw SQLiteError(connection: handle, sql: sql)
        }
    }

    public func query(_ sql: String, _ arguments: [SQLValue] = []) throws(SQLiteError) -> [Row] {
        guard let statement = try checkout(sql, arguments) else { return [] }
        defer { statement.reset() }
        var rows: [Row] = []
        var columns: RowColumns?
        while try statement.step() {
            let shared = columns ?? statement.rowColumns()
            columns = shared
            rows.append(statement.currentRow(columns: shared))
        }
        return rows
    }

    public func queryOne(_ sql: String, _ arguments: [SQLValue] = []) throws(SQLiteError) -> Row? {
        guard let statement = try checkout(sql, arguments) else { return nil }
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return statement.currentRow(columns: statement.rowColumns())
    }

    /// Streams rows to `body` without collecting them; an error from `body` stops the query.
    public func forEach(_ sql: String, _ arguments: [SQLValue] = [], _ body: (Row) throws -> Void) throws {
        guard let statement = try checkout(sql, arguments) else { return }
        defer { statement.reset() }
        var columns: RowColumns?
        while try statement.step() {
            let shared = columns ?? statement.rowColumns()
            columns = shared
            try body(statement.currentRow(columns: shared))
        }
    }

    /// The first column of the first row; `.null` when there is no row.
    public func scalar(_ sql: String, _ arguments: [SQLValue] = []) throws(SQLiteError) -> SQLValue {
        try queryOne(sql, arguments).map { $0[0] } ?? .null
    }

    public var lastInsertRowID: Int64 {
        connection.map { sqlite3_last_insert_rowid($0) } ?? 0
    }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE.
    public var changes: Int {
        connection.map { Int(sqlite3_changes64($0)) } ?? 0
    }

    /// Rows inserted, updated or deleted since the connection opened, triggers included
    /// (`sqlite3_total_changes64`); the difference across a write body is what the body changed.
    var totalChanges: Int {
        connection.map { Int(sqlite3_total_changes64($0)) } ?? 0
    }

    /// Finalizes the cached statements and closes the connection; later calls throw `SQLITE_MISUSE`.
    public func close() {
        statementCache.removeAll()
        guard let handle = connection else { return }
        connection = nil
        // close_v2 defers the real close until any statement still referenced is finalized.
        sqlite3_close_v2(handle)
    }

    /// `false` while a transaction is open on this connection.
    var isAutocommit: Bool {
        connection.map { sqlite3_get_autocommit($0) != 0 } ?? true
    }

    package var cachedStatementCount: Int { statementCache.count }

    func setBusyTimeout(milliseconds: Int32) throws(SQLiteError) {
        let handle = try openConnection(sql: nil)
        guard sqlite3_busy_timeout(handle, milliseconds) == SQLITE_OK else {
            throw SQLiteError(connection: handle, sql: nil)
        }
    }

    func openConnection(sql: String?) throws(SQLiteError) -> OpaquePointer {
        guard let connection else {
            throw SQLiteError(code: SQLITE_MISUSE, message: SQLiteError.connectionClosed.message, sql: sql)
        }
        return connection
    }

    /// A bound statement marked in use, or `nil` when `sql` holds no statement (only comments).
    func checkout(_ sql: String, _ arguments: [SQLValue]) throws(SQLiteError) -> Statement? {
        let statement: Statement
        if let cached = statementCache[sql], !cached.isInUse {
            statement = cached
        } else {
            let isCached = statementCache[sql] != nil
            guard let fresh = try prepare(sql, persistent: !isCached) else { return nil }
            if !isCached {
                if statementCache.count >= Self.statementCacheCapacity {
                    statementCache.removeAll(keepingCapacity: true)
                }
                statementCache[sql] = fresh
            }
            statement = fresh
        }
        statement.isInUse = true
        do {
            try statement.bind(arguments)
        } catch {
            statement.reset()
            throw error
        }
        return statement
    }

    private func prepare(_ sql: String, persistent: Bool) throws(SQLiteError) -> Statement? {
        let handle = try openConnection(sql: sql)
        var prepared: OpaquePointer?
        var hasSecondStatement = false
        let flags = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let result = sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            let result = sqlite3_prepare_v3(handle, text, -1, flags, &prepared, &tail)
            if result == SQLITE_OK, let tail {
                hasSecondStatement = Self.containsStatement(tail, connection: handle)
            }
            return result
        }
        guard result == SQLITE_OK else { throw SQLiteError(connection: handle, sql: sql) }
        guard let prepared else { return nil }
        guard !hasSecondStatement else {
            sqlite3_finalize(prepared)
            throw .misuse("execute/query run one statement; use executeScript for several", sql: sql)
        }
        return Statement(handle: prepared, connection: handle, sql: sql)
    }

    /// Whether the text after the first statement holds more than blanks, `;` and comments.
    private static func containsStatement(_ tail: UnsafePointer<CChar>, connection: OpaquePointer) -> Bool {
        var cursor = tail
        while cursor.pointee != 0 {
            switch UInt8(bitPattern: cursor.pointee) {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: ";"):
                cursor += 1
            default:
                var next: OpaquePointer?
                let result = sqlite3_prepare_v2(connection, cursor, -1, &next, nil)
                sqlite3_finalize(next)
                return result != SQLITE_OK || next != nil
            }
        }
        return false
    }
}
