/// The column names of one statement's result, shared by all of its rows (and kept by a cached
/// statement across executions), with a name → position map built once so that reading a
/// column by name is not a scan of a wide row.
final class RowColumns: Sendable {
    let names: [String]
    /// First position of each name; built only for rows wide enough for hashing to beat a scan.
    private let positions: [String: Int]?

    /// Up to this many columns a name is looked up by comparing names in order.
    static let scanLimit = 8

    init(_ names: [String]) {
        self.names = names
        if names.count > Self.scanLimit {
            var positions: [String: Int] = [:]
            positions.reserveCapacity(names.count)
            for (index, name) in names.enumerated() where positions[name] == nil { positions[name] = index }
            self.positions = positions
        } else {
            positions = nil
        }
    }

    /// The position of the first column named exactly `name` (case-sensitive).
    func index(of name: String) -> Int? {
        if let positions { return positions[name] }
        return names.firstIndex(of: name)
    }
}

/// One result row: values by position and by column name.
///
/// A row is an immutable snapshot detached from the statement that produced it, so it may
/// outlive the connection and cross threads. Rows of one statement share one `RowColumns`.
///
/// Read columns with the throwing accessors (`text("title")`, `optionalInt64("assigned_to")`,
/// `bool("active")`…): a column the statement does not select, a value of another storage
/// class, or NULL where a value is required is a `StorageError`, never a default. The
/// subscripts are lenient (`.null` for an unknown column or position) and suit only code that
/// inspects raw values.
public struct Row: Sendable {
    let layout: RowColumns
    public let values: [SQLValue]

    public var columns: [String] { layout.names }

    public init(columns: [String], values: [SQLValue]) {
        self.init(layout: RowColumns(columns), values: values)
    }

    init(layout: RowColumns, values: [SQLValue]) {
        self.layout = layout
        self.values = values
    }

    /// `.null` when `index` is out of range.
    public subscript(_ index: Int) -> SQLValue {
        values.indices.contains(index) ? values[index] : .null
    }

    /// The first column named exactly `name` (case-sensitive); `.null` if there is none.
    public subscript(_ name: String) -> SQLValue {
        guard let index = layout.index(of: name) else { return .null }
        return self[index]
    }
}

// MARK: - Typed access by column name

extension Row {
    /// Whether the row has a column named exactly `name`.
    public func hasColumn(_ name: String) -> Bool { layout.index(of: name) != nil }

    /// The value of column `name`, NULL included; throws when the row has no such column.
    public func value(_ name: String) throws(StorageError) -> SQLValue {
        guard let index = layout.index(of: name), index < values.count else {
            throw .noSuchColumn(name, columns: columns)
        }
        return values[index]
    }

    public func text(_ name: String) throws(StorageError) -> String {
        try required(name, "text", optionalText(name))
    }

    /// Text, or nil for NULL; another storage class throws.
    public func optionalText(_ name: String) throws(StorageError) -> String? {
        switch try value(name) {
        case .null: return nil
        case .text(let text): return text
        case let other: throw .columnType(name, expected: "text", found: other.storageClass)
        }
    }

    public func int64(_ name: String) throws(StorageError) -> Int64 {
        try required(name, "integer", optionalInt64(name))
    }

    /// An integer, or nil for NULL; another storage class (a real too) throws.
    public func optionalInt64(_ name: String) throws(StorageError) -> Int64? {
        switch try value(name) {
        case .null: return nil
        case .integer(let number): return number
        case let other: throw .columnType(name, expected: "integer", found: other.storageClass)
        }
    }

    public func int(_ name: String) throws(StorageError) -> Int {
        try required(name, "integer", optionalInt(name))
    }

    /// An integer that fits `Int`, or nil for NULL.
    public func optionalInt(_ name: String) throws(StorageError) -> Int? {
        guard let number = try optionalInt64(name) else { return nil }
        guard let value = Int(exactly: number) else { throw .columnType(name, expected: "integer within Int", found: "integer \(number)") }
        return value
    }

    public func bool(_ name: String) throws(StorageError) -> Bool {
        try required(name, "boolean", optionalBool(name))
    }

    /// SQLite's boolean: the integer 1 or 0 (any other integer throws), or nil for NULL.
    public func optionalBool(_ name: String) throws(StorageError) -> Bool? {
        switch try value(name) {
        case .null: return nil
        case .integer(1): return true
        case .integer(0): return false
        case .integer(let number): throw .columnType(name, expected: "boolean (integer 0 or 1)", found: "integer \(number)")
        case let other: throw .columnType(name, expected: "boolean (integer 0 or 1)", found: other.storageClass)
        }
    }

    public func double(_ name: String) throws(StorageError) -> Double {
        try required(name, "real", optionalDouble(name))
    }

    /// A real or an integer (as SQLite itself converts), or nil for NULL.
    public func optionalDouble(_ name: String) throws(StorageError) -> Double? {
        switch try value(name) {
        case .null: return nil
        case .real(let number): return number
        case .integer(let number): return Double(number)
        case let other: throw .columnType(name, expected: "real", found: other.storageClass)
        }
    }

    public func blob(_ name: String) throws(StorageError) -> [UInt8] {
        try required(name, "blob", optionalBlob(name))
    }

    /// Bytes, or nil for NULL.
    public func optionalBlob(_ name: String) throws(StorageError) -> [UInt8]? {
        switch try value(name) {
        case .null: return nil
        case .blob(let bytes): return bytes
        case let other: throw .columnType(name, expected: "blob", found: other.storageClass)
        }
    }

    private func required<T>(_ name: String, _ expected: String, _ value: T?) throws(StorageError) -> T {
        guard let value else { throw .unexpectedNull(name, expected: expected) }
        return value
    }
}
