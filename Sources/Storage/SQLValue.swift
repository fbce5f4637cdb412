/// A value as SQLite stores it: one of its five storage classes.
///
/// Values cross the API unchanged: integers stay `Int64`, text keeps its exact Unicode scalars,
/// blobs stay bytes. Accessors never convert text to numbers or back; they return `nil` for
/// another kind (the one exception: `double` also reads an integer).
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .real(value) }
    public init(nilLiteral: ()) { self = .null }
}

extension SQLValue {
    public init(_ value: String?) { self = value.map { .text($0) } ?? .null }
    public init(_ value: Int64?) { self = value.map { .integer($0) } ?? .null }
    public init(_ value: Int?) { self = value.map { .integer(Int64($0)) } ?? .null }
    public init(_ value: Double?) { self = value.map { .real($0) } ?? .null }
    public init(_ value: [UInt8]?) { self = value.map { .blob($0) } ?? .null }
    /// Stored as 1 or 0, SQLite's own boolean convention.
    public init(_ value: Bool) { self = .integer(value ? 1 : 0) }

    public var int64: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// `nil` also when the integer does not fit `Int`.
    public var int: Int? { int64.flatMap { Int(exactly: $0) } }

    public var double: Double? {
        switch self {
        case .real(let value): value
        case .integer(let value): Double(value)
        default: nil
        }
    }

    public var string: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    public var bytes: [UInt8]? {
        if case .blob(let value) = self { return value }
        return nil
    }

    /// An integer read as a boolean: any non-zero value is `true`.
    public var bool: Bool? { int64.map { $0 != 0 } }

    public var isNull: Bool { self == .null }

    /// SQLite's name of the storage class: `null`, `integer`, `real`, `text` or `blob`.
    public var storageClass: String {
        switch self {
        case .null: "null"
        case .integer: "integer"
        case .real: "real"
        case .text: "text"
        case .blob: "blob"
        }
    }
}
