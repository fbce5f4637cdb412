import CSQLite

/// A failed SQLite call: the extended result code, SQLite's message and the SQL text.
///
/// It never carries bound argument values, so it is safe to log: no personal data ends up in
/// logs through it.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// The extended result code (e.g. 2067, `SQLITE_CONSTRAINT_UNIQUE`).
    public let code: Int32
    /// `sqlite3_errmsg` at the time of the failure.
    public let message: String
    /// The SQL text of the failing statement, without its arguments.
    public let sql: String?

    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// The primary result code (the low byte of `code`).
    public var primaryCode: Int32 { code & 0xFF }

    public var isConstraintViolation: Bool { primaryCode == SQLITE_CONSTRAINT }

    public var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }

    public var description: String {
        var text = "SQLite error \(code) (\(String(cString: sqlite3_errstr(code)))): \(message)"
        if let sql { text += " [SQL: \(sql)]" }
        return text
    }
}

extension SQLiteError {
    /// The error SQLite reports for `connection` right now.
    init(connection: OpaquePointer, sql: String?) {
        self.init(
            code: sqlite3_extended_errcode(connection),
            message: String(cString: sqlite3_errmsg(connection)),
            sql: sql)
    }

    static func misuse(_ message: String, sql: String? = nil) -> SQLiteError {
        SQLiteError(code: SQLITE_MISUSE, message: message, sql: sql)
    }

    static let connectionClosed = misuse("the database connection is closed")
    static let poolClosed = misuse("the database pool is closed")
    static let nestedWrite = misuse(
        "DatabasePool.write called inside a write body on the same thread (it would deadlock)")

    /// Reported to the members of a commit group whose shared transaction SQLite rolled back
    /// because of another member's failure.
    static let groupRolledBack = SQLiteError(
        code: SQLITE_ABORT | (2 << 8),  // SQLITE_ABORT_ROLLBACK, a macro Swift cannot import
        message: "the shared transaction of this write's commit group was rolled back by a failure in another write")
}
