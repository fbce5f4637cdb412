/// A storage failure that is not an SQLite error: the database file cannot be used by this binary.
///
/// Raised when opening a `DatabasePool`; nothing has been changed in the file when it is thrown.
public enum StorageError: Error, Sendable {
    /// The file's `user_version` is higher than the newest migration this binary knows.
    case databaseNewerThanBinary(found: Int, supported: Int)
}

extension StorageError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .databaseNewerThanBinary(found, supported):
            "the database was written by a newer release (schema version \(found); this binary knows up to \(supported)); upgrade crmd"
        }
    }
}
