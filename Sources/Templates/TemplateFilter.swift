/// A filter after `|` in a value tag, applied left to right.
///
/// | filter | effect |
/// |---|---|
/// | `upper`, `lower` | the text in upper or lower case (Cyrillic included) |
/// | `default: "—"` | the argument when the value is missing, null, "" or an empty list |
/// | `date: "long"` / `date: "numeric"` | "2026-03-05" → "5 марта 2026 г." / "05.03.2026" |
/// | `money` | decimal text → "12 345,60" (see ``DecimalText``) |
/// | `number` | decimal text → "1 234,5" (fraction kept as given) |
///
/// `raw` (print unescaped) and `index` (a loop item's 1-based position) are handled by
/// the compiler and never reach this type. Missing and null values pass through
/// `upper`, `lower`, `date`, `money` and `number` unchanged and print as empty text.
enum TemplateFilter: Sendable {
    case upper
    case lower
    case defaultText(String)
    case date(RussianDateText.Style)
    case money
    case number

    /// The filter named `name` with its argument, or a message saying what is wrong.
    static func make(name: String, argument: String?) -> Result<TemplateFilter, FilterProblem> {
        func noArgument(_ filter: TemplateFilter) -> Result<TemplateFilter, FilterProblem> {
            argument == nil ? .success(filter) : .failure(FilterProblem("filter `\(name)` takes no argument"))
        }
        switch name {
        case "upper": return noArgument(.upper)
        case "lower": return noArgument(.lower)
        case "money": return noArgument(.money)
        case "number": return noArgument(.number)
        case "default":
            guard let argument else { return .failure(FilterProblem("filter `default` needs an argument, as in `default: \"—\"`")) }
            return .success(.defaultText(argument))
        case "date":
            guard let argument, let style = RussianDateText.Style(rawValue: argument) else {
                return .failure(FilterProblem("filter `date` needs `date: \"long\"` or `date: \"numeric\"`"))
            }
            return .success(.date(style))
        default:
            return .failure(FilterProblem("unknown filter `\(name)`"))
        }
    }

    /// The filtered value; nil stands for a missing value.
    func apply(to value: TemplateValue?, at position: SourcePosition) throws(TemplateError) -> TemplateValue? {
        switch self {
        case .defaultText(let text):
            switch value {
            case nil, .null?, .string("")?, .array([])?: return .string(text)
            default: return value
            }
        case .upper, .lower, .date, .money, .number:
            guard let value, value != .null else { return value }
            guard let text = value.scalarText else {
                throw position.error("filter `\(name)` cannot be applied to \(value.kindName)")
            }
            switch self {
            case .upper: return .string(text.uppercased())
            case .lower: return .string(text.lowercased())
            case .date(let style):
                if text.isEmpty { return .string("") }
                guard let formatted = RussianDateText.format(text, style: style) else {
                    throw position.error("filter `date` expects a date like 2026-03-05, got \"\(text)\"")
                }
                return .string(formatted)
            default:
                if text.isEmpty { return .string("") }
                let formatted = self.isMoney ? DecimalText.money(text) : DecimalText.number(text)
                guard let formatted else {
                    throw position.error("filter `\(name)` expects a decimal number like 1234.50, got \"\(text)\"")
                }
                return .string(formatted)
            }
        }
    }

    private var isMoney: Bool {
        if case .money = self { return true }
        return false
    }

    private var name: String {
        switch self {
        case .upper: return "upper"
        case .lower: return "lower"
        case .defaultText: return "default"
        case .date: return "date"
        case .money: return "money"
        case .number: return "number"
        }
    }
}

/// Why a filter could not be built, before a position is attached to it.
struct FilterProblem: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
