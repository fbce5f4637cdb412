import JSONKit

/// Equality of JSON values as JSON Schema defines it: deep, numbers by exact value (`1.0` equals
/// `1`), objects regardless of key order.
enum JSONEquality {
    static func equal(_ lhs: JSON, _ rhs: JSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let l), .bool(let r)): return l == r
        case (.string(let l), .string(let r)): return l == r
        case (.number(let l), .number(let r)): return numbersEqual(l, r)
        case (.array(let l), .array(let r)):
            return l.count == r.count && zip(l, r).allSatisfy { equal($0, $1) }
        case (.object(let l), .object(let r)):
            guard l.count == r.count else { return false }
            for (key, value) in l {
                guard let other = r[key], equal(value, other) else { return false }
            }
            return true
        default: return false
        }
    }

    static func numbersEqual(_ lhs: JSONNumber, _ rhs: JSONNumber) -> Bool {
        if lhs.text == rhs.text { return true }
        guard let l = ExactDecimal(lhs.text), let r = ExactDecimal(rhs.text) else { return false }
        return ExactDecimal.compare(l, r) == 0
    }

    /// A text that two values share exactly when they are equal, for hashing.
    static func key(_ value: JSON) -> String {
        var out = ""
        appendKey(value, to: &out)
        return out
    }

    private static func appendKey(_ value: JSON, to out: inout String) {
        switch value {
        case .number(let number):
            out += "#" + (ExactDecimal(number.text)?.canonicalText ?? number.text)
        case .array(let items):
            out += "["
            for item in items {
                appendKey(item, to: &out)
                out += ","
            }
            out += "]"
        case .object(let object):
            out += "{"
            for key in object.keys.sorted() {
                out += JSON.string(key).text + ":"
                if let member = object[key] { appendKey(member, to: &out) }
                out += ","
            }
            out += "}"
        default:
            out += value.text
        }
    }
}
