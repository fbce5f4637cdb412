/// One result row: values by position and by column name.
///
/// A row is an immutable snapshot detached from the statement that produced it, so it may
/// outlive the connection and cross threads. Rows of one query share one `columns` array.
public struct Row: Sendable {
    public let columns: [String]
    public let values: [SQLValue]

    public init(columns: [String], values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    /// `.null` when `index` is out of range.
    public subscript(_ index: Int) -> SQLValue {
        values.indices.contains(index) ? values[index] : .null
    }

    /// The first column named exactly `name` (case-sensitive); `.null` if there is none.
    public subscript(_ name: String) -> SQLValue {
        guard let index = columns.firstIndex(of: name) else { return .null }
        return self[index]
    }
}
