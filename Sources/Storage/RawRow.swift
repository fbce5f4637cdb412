import CSQLite

/// The current row of a stepped statement, read in place: values by position without copying
/// text into Swift strings. Valid only inside the closure it is handed to (`Database.withRow`);
/// the buffers it returns point into SQLite's memory and are gone when the closure returns.
public struct RawRow {
    /// A column's storage class.
    public enum StorageClass: Sendable {
        case null, integer, real, text, blob
    }

    private let handle: OpaquePointer

    init(handle: OpaquePointer) {
        self.handle = handle
    }

    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    public func storageClass(_ column: Int) -> StorageClass {
        switch sqlite3_column_type(handle, Int32(column)) {
        case SQLITE_INTEGER: .integer
        case SQLITE_FLOAT: .real
        case SQLITE3_TEXT: .text
        case SQLITE_BLOB: .blob
        default: .null
        }
    }

    public func int64(_ column: Int) -> Int64 { sqlite3_column_int64(handle, Int32(column)) }

    /// The column's text as UTF-8 bytes (as stored: not checked to be well-formed).
    public func textBytes(_ column: Int) -> UnsafeBufferPointer<UInt8> {
        // sqlite3_column_text first, then sqlite3_column_bytes, as SQLite documents.
        guard let text = sqlite3_column_text(handle, Int32(column)) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, Int32(column))))
    }

    /// The column's bytes as stored (check `storageClass` first: text reads as its bytes too).
    public func blobBytes(_ column: Int) -> UnsafeBufferPointer<UInt8> {
        // sqlite3_column_blob first, then sqlite3_column_bytes, as SQLite documents.
        guard let blob = sqlite3_column_blob(handle, Int32(column)) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: blob.assumingMemoryBound(to: UInt8.self), count: Int(sqlite3_column_bytes(handle, Int32(column))))
    }
}

extension Database {
    /// Runs the query and hands each row to `body` in place, without building `Row` values:
    /// for long scans of a few integer columns.
    public func forEachRaw(_ sql: String, _ arguments: [SQLValue] = [], _ body: (RawRow) throws -> Void) throws {
        guard let statement = try checkout(sql, arguments) else { return }
        defer { statement.reset() }
        while try statement.step() {
            try body(RawRow(handle: statement.handle))
        }
    }

    /// Runs the query and hands its first row to `body` in place (nil when there is none).
    public func withFirstRow<T>(_ sql: String, _ arguments: [SQLValue] = [], _ body: (RawRow?) throws -> T) throws -> T {
        guard let statement = try checkout(sql, arguments) else { return try body(nil) }
        defer { statement.reset() }
        guard try statement.step() else { return try body(nil) }
        return try body(RawRow(handle: statement.handle))
    }
}
