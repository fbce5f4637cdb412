import JSONKit

/// Numeric keywords, exact on the decimal text: 9007199254740993 > 9007199254740992 and
/// 12.34 is a multiple of 0.01 while 12.345 is not.
extension Validator {
    mutating func checkBound(_ bound: NumericBound, _ instance: JSON, report: Bool) -> Bool {
        guard case .number(let number) = instance else { return true }
        let comparison: Int
        if let limit = bound.limitInteger, let value = Int64(number.text) {
            comparison = value < limit ? -1 : (value == limit ? 0 : 1)
        } else if let value = ExactDecimal(number.text) {
            comparison = ExactDecimal.compare(value, bound.limit)
        } else {
            return true
        }
        if bound.accepts(comparison) { return true }
        if report { record("must be \(bound.requirement)") }
        return false
    }

    mutating func checkMultipleOf(_ divisor: ExactDecimal, text: String, _ instance: JSON, report: Bool) -> Bool {
        guard case .number(let number) = instance, let value = ExactDecimal(number.text) else { return true }
        if value.isMultiple(of: divisor) { return true }
        if report { record("must be a multiple of \(text)") }
        return false
    }
}
