/// A value a template reads: the data of a document (a deal, its rows, the seller's bank
/// details) as a small tree with no ties to any other model.
///
/// Numbers are kept as decimal text (`.number("12345.60")`) so that amounts never pass
/// through binary floating point; the `money` and `number` filters format that text.
/// Build values with literals:
///
/// ```swift
/// let context: TemplateValue = [
///     "deal": ["title": "Поставка", "total": .number("12345.6")],
///     "rows": [["name": "Стол", "qty": 2], ["name": "Стул", "qty": 4]],
/// ]
/// ```
///
/// A key that is absent and a key that holds `.null` both render as empty text; only
/// strict rendering tells them apart (absent is an error, `.null` is not).
public indirect enum TemplateValue: Sendable, Equatable {
    /// No value: renders as empty text, is falsy, and loops over it run zero times.
    case null
    /// A flag: `true` renders as "true", `false` as "false".
    case bool(Bool)
    /// Text, rendered as given (HTML-escaped unless asked otherwise).
    case string(String)
    /// A number as decimal text such as "-12.50", rendered as given unless filtered.
    case number(String)
    /// A list, for `{{#each}}`; elements can also be reached by index (`rows.0.name`).
    case array([TemplateValue])
    /// Named values, reached by dotted paths (`seller.bank.bik`).
    case object([String: TemplateValue])
}

extension TemplateValue {
    /// Whether `{{#if}}` takes this value as true: a non-empty string, a number other
    /// than zero, `true`, a non-empty array or object. `.null` is false.
    public var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let flag): return flag
        case .string(let text): return !text.isEmpty
        case .number(let text):
            for byte in text.utf8 {
                if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") { break }
                if byte >= UInt8(ascii: "1") && byte <= UInt8(ascii: "9") { return true }
            }
            return false
        case .array(let items): return !items.isEmpty
        case .object(let fields): return !fields.isEmpty
        }
    }
}

extension TemplateValue {
    /// The text a string, number or flag prints as; nil for lists and objects.
    var scalarText: String? {
        switch self {
        case .null: return ""
        case .bool(let flag): return flag ? "true" : "false"
        case .string(let text), .number(let text): return text
        case .array, .object: return nil
        }
    }

    /// "a list", "an object", … for error messages.
    var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a true/false value"
        case .string: return "text"
        case .number: return "a number"
        case .array: return "a list"
        case .object: return "an object"
        }
    }
}

extension TemplateValue: ExpressibleByNilLiteral {
    /// `nil` is `.null`.
    public init(nilLiteral: ()) { self = .null }
}

extension TemplateValue: ExpressibleByBooleanLiteral {
    /// `true` and `false` are `.bool`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
    /// A string literal is `.string`.
    public init(stringLiteral value: String) { self = .string(value) }

    /// An interpolated string literal is `.string`.
    public init(stringInterpolation: DefaultStringInterpolation) {
        self = .string(String(stringInterpolation: stringInterpolation))
    }
}

extension TemplateValue: ExpressibleByIntegerLiteral {
    /// An integer literal is `.number` with its decimal text.
    public init(integerLiteral value: Int) { self = .number(String(value)) }
}

extension TemplateValue: ExpressibleByFloatLiteral {
    /// A floating-point literal is `.number` with Swift's shortest text for the `Double`
    /// ("0.5", "12.75"). Prefer `.number("…")` for amounts.
    public init(floatLiteral value: Double) { self = .number(String(value)) }
}

extension TemplateValue: ExpressibleByArrayLiteral {
    /// An array literal is `.array`.
    public init(arrayLiteral elements: TemplateValue...) { self = .array(elements) }
}

extension TemplateValue: ExpressibleByDictionaryLiteral {
    /// A dictionary literal is `.object`; of repeated keys the last wins.
    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
