import JSONKit

/// What a `*.list` call asks for (API.md, "Lists").
package struct ListRequest: Sendable {
    /// Keys are field names with an optional operator prefix (`>=createdAt`, `%city`).
    package var filter: [String: JSON] = [:]
    package var search: String?
    /// Sort keys in priority order; `id` is always the final tie-breaker.
    package var order: [(field: String, descending: Bool)] = []
    package var select: [String]?
    package var limit: Int = 50
    package var cursor: String?
    package var count: Bool = false

    package init() {}
}

/// A filter operator (API.md): `=` (default), `!`, `>`, `>=`, `<`, `<=`, `%` contains, `@` in, `!@` not in.
enum FilterOperator: String, CaseIterable {
    case equal = "=", notEqual = "!", greater = ">", greaterOrEqual = ">=", less = "<", lessOrEqual = "<="
    case contains = "%", inList = "@", notInList = "!@"

    /// Splits `>=createdAt` into the operator and the field name; the longest prefix wins.
    static func split(_ key: String) -> (FilterOperator, String) {
        for op in [FilterOperator.notInList, .greaterOrEqual, .lessOrEqual, .notEqual, .greater, .less, .contains, .inList, .equal]
        where key.hasPrefix(op.rawValue) {
            return (op, String(key.dropFirst(op.rawValue.count)))
        }
        return (.equal, key)
    }

    var sqlComparison: String {
        switch self {
        case .greater: ">"
        case .greaterOrEqual: ">="
        case .less: "<"
        case .lessOrEqual: "<="
        default: "="
        }
    }
}
