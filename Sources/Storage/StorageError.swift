/// A storage failure that is not an SQLite error: the database file cannot be used by this
/// binary, or a row does not hold what its reader asks for.
public enum StorageError: Error, Sendable, Equatable {
    /// The file's `user_version` is higher than the newest migration this binary knows.
    /// Raised when opening a `DatabasePool`; nothing has been changed in the file when it is thrown.
    case databaseNewerThanBinary(found: Int, supported: Int)
    /// A row was asked for a column its statement does not select; `columns` are those it has.
    case noSuchColumn(String, columns: [String])
    /// A column holds a value of another storage class (or range) than the reader asks for.
    case columnType(String, expected: String, found: String)
    /// A column is NULL where the reader asks for a value.
    case unexpectedNull(String, expected: String)
}

extension StorageError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .databaseNewerThanBinary(found, supported):
            "the database was written by a newer release (schema version \(found); this binary knows up to \(supported)); upgrade crmd"
        case let .noSuchColumn(name, columns):
            "no column '\(name)' in the row (columns: \(columns.joined(separator: ", ")))"
        case let .columnType(name, expected, found):
            "column '\(name)' holds \(found), expected \(expected)"
        case let .unexpectedNull(name, expected):
            "column '\(name)' is NULL, expected \(expected)"
        }
    }
}
