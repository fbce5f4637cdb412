import JSONKit

/// A robot's condition on its record: clauses that must all hold when the trigger fires, each a
/// field (a dotted path into the record as `get` shows it, e.g. `totals.total`), an operator and
/// a value. Amounts and other decimal text compare as exact decimals, never through floats;
/// other text compares as text (ISO dates order correctly), anything else only for equality.
package struct AutomationCondition: Sendable, Equatable {
    package enum Operator: String, Sendable, CaseIterable {
        case equal = "=", notEqual = "!=", greater = ">", greaterOrEqual = ">=", less = "<", lessOrEqual = "<="
    }

    package struct Clause: Sendable, Equatable {
        let field: String
        let op: Operator
        let value: JSON
    }

    let clauses: [Clause]

    /// A condition as given (one clause object or an array of them), or 1007 on `condition`. A
    /// field must be one of `entity`'s (or `custom.<code>`), so a misspelt one is refused rather
    /// than never matching.
    package init(_ json: JSON, entity: EntityDescriptor) throws {
        let items: [JSON]
        switch json {
        case .array(let many): items = many
        case .object: items = [json]
        default: throw Self.refusal("a condition is a clause {field, op, value} or an array of them")
        }
        clauses = try items.enumerated().map { index, item in
            guard let field = item["field"]?.stringValue, !field.isEmpty else { throw Self.refusal("clause \(index): no field") }
            let head = String(field.split(separator: ".").first ?? "")
            guard head == "custom" || entity.field(head) != nil || Self.computed.contains(head) else {
                throw CRMError.invalidValue(field: "condition.\(index).field", reason: "unknownField",
                                            message: "\(entity.type.rawValue) has no field '\(head)'")
            }
            guard let name = item["op"]?.stringValue, let op = Operator(rawValue: name) else {
                throw Self.refusal("clause \(index): op is one of \(Operator.allCases.map(\.rawValue).joined(separator: " "))")
            }
            let value = item["value"] ?? .null
            switch value {
            case .string, .bool, .null: break
            case .number where Decimal(value) != nil: break
            default: throw Self.refusal("clause \(index): the value is text (amounts as decimal text), a plain number, a boolean or null")
            }
            return Clause(field: field, op: op, value: value)
        }
    }

    /// Keys a record's `get` shows beyond its fields (an invoice's `due`).
    private static let computed: Set<String> = ["due"]

    package var json: JSON {
        .array(clauses.map { ["field": .string($0.field), "op": .string($0.op.rawValue), "value": $0.value] })
    }

    /// Whether every clause holds for `record` (its `get` form).
    package func holds(for record: JSON) -> Bool {
        clauses.allSatisfy { clause in
            var current: JSON? = record
            for key in clause.field.split(separator: ".") { current = current?[String(key)] }
            return Self.compare(current ?? .null, clause.op, clause.value)
        }
    }

    static func compare(_ actual: JSON, _ op: Operator, _ expected: JSON) -> Bool {
        if let order = Self.decimalOrder(actual, expected) ?? Self.textOrder(actual, expected) {
            switch op {
            case .equal: return order == 0
            case .notEqual: return order != 0
            case .greater: return order > 0
            case .greaterOrEqual: return order >= 0
            case .less: return order < 0
            case .lessOrEqual: return order <= 0
            }
        }
        switch op {
        case .equal: return actual == expected
        case .notEqual: return actual != expected
        default: return false
        }
    }

    private static func textOrder(_ a: JSON, _ b: JSON) -> Int? {
        guard case .string(let x) = a, case .string(let y) = b else { return nil }
        return x == y ? 0 : (x < y ? -1 : 1)
    }

    /// -1, 0 or 1 when both are decimal numbers (plain numbers or decimal text), else nil.
    static func decimalOrder(_ a: JSON, _ b: JSON) -> Int? {
        guard let x = Decimal(a), let y = Decimal(b) else { return nil }
        if x.negative != y.negative { return x.negative ? -1 : 1 }
        let magnitude = x.compareMagnitude(y)
        return x.negative ? -magnitude : magnitude
    }

    /// Decimal text split into its sign, integer digits (no leading zeros) and fraction digits (no trailing zeros).
    private struct Decimal {
        let negative: Bool
        let whole: String
        let fraction: String

        init?(_ json: JSON) {
            let text: String
            switch json {
            case .string(let s): text = s
            case .number(let n): text = n.text
            default: return nil
            }
            var body = Substring(text)
            let negative = body.first == "-"
            if negative { body = body.dropFirst() }
            let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard let first = parts.first, !first.isEmpty, first.allSatisfy(\.isASCIIDigit),
                  parts.count == 1 || (!parts[1].isEmpty && parts[1].allSatisfy(\.isASCIIDigit)) else { return nil }
            whole = String(first.drop { $0 == "0" })
            var digits = parts.count == 2 ? String(parts[1]) : ""
            while digits.last == "0" { digits.removeLast() }
            fraction = digits
            // -0 is 0.
            self.negative = negative && !(whole.isEmpty && fraction.isEmpty)
        }

        func compareMagnitude(_ other: Decimal) -> Int {
            if whole.count != other.whole.count { return whole.count < other.whole.count ? -1 : 1 }
            if whole != other.whole { return whole < other.whole ? -1 : 1 }
            let length = max(fraction.count, other.fraction.count)
            let a = fraction + String(repeating: "0", count: length - fraction.count)
            let b = other.fraction + String(repeating: "0", count: length - other.fraction.count)
            return a == b ? 0 : (a < b ? -1 : 1)
        }
    }

    private static func refusal(_ message: String) -> CRMError {
        CRMError.invalidValue(field: "condition", reason: "format", message: message)
    }
}

