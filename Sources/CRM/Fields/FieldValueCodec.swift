import JSONKit
import Storage

/// Checks values given for a field against its kind and converts them to what is stored,
/// and stored values back to their API form. Money and decimals stay text all the way.
package enum FieldValueCodec {
    /// The SQL value for a writable built-in field.
    package static func storage(_ value: JSON, for field: FieldDefinition) throws(CRMError) -> SQLValue {
        if value == .null { return field.kind == .phones || field.kind == .emails ? .text("[]") : .null }
        switch field.kind {
        case .string, .text, .address, .stage:
            guard case .string(let text) = value else { throw typeError(field, "a string") }
            return text.isEmpty ? .null : .text(text)
        case .url:
            guard case .string(let text) = value else { throw typeError(field, "a string") }
            if text.isEmpty { return .null }
            guard isURL(text) else { throw CRMError.invalidValue(field: field.name, reason: "url", message: "not an absolute URL") }
            return .text(text)
        case .date:
            guard case .string(let text) = value, Timestamp.parseDate(text) != nil else { throw typeError(field, "a date YYYY-MM-DD") }
            return .text(text)
        case .money:
            guard let text = decimalText(value) else { throw typeError(field, "a decimal string such as \"12.50\"") }
            return .text(try storedAmount(text, for: field))
        case .decimal:
            guard let text = decimalText(value) else { throw typeError(field, "a decimal string such as \"12.50\"") }
            guard let canonical = DecimalText.canonical(text) else {
                throw CRMError.invalidValue(field: field.name, reason: "precision", message: "\(field.name) has too many decimals")
            }
            return .text(canonical)
        case .boolean:
            guard case .bool(let flag) = value else { throw typeError(field, "a boolean") }
            return .integer(flag ? 1 : 0)
        case .unit:
            return .text(try Unit.from(value, field: field.name).json.text)
        case .json:
            return .text(value.text)
        case .enumeration:
            guard case .string(let text) = value else { throw typeError(field, "a string") }
            guard field.options.contains(text) else { throw optionError(field, text) }
            return .text(text)
        case .phones, .emails:
            return .text(try communicationList(value, for: field).text)
        case .requisites:
            guard case .object(let object) = value else { throw typeError(field, "an object") }
            let kept = try RequisiteRules.validate(object, preset: nil, prefix: field.name + ".")
            return kept.isEmpty ? .null : .text(JSON.object(kept).text)
        case .user, .integer, .link, .pipeline:
            guard let number = value.int64Value else { throw typeError(field, "an integer") }
            return .integer(number)
        default:
            throw CRMError.invalidValue(field: field.name, reason: "readOnly", message: "field '\(field.name)' cannot be written")
        }
    }

    /// The canonical JSON kept for a custom field; `.null` clears it.
    package static func customValue(_ value: JSON, for field: FieldDefinition) throws(CRMError) -> JSON {
        if value == .null { return .null }
        if field.isMultiple {
            guard case .array(let items) = value else { throw typeError(field, "an array") }
            var converted: [JSON] = []
            for item in items where item != .null { converted.append(try scalarCustomValue(item, for: field)) }
            return converted.isEmpty ? .null : .array(converted)
        }
        return try scalarCustomValue(value, for: field)
    }

    private static func scalarCustomValue(_ value: JSON, for field: FieldDefinition) throws(CRMError) -> JSON {
        switch field.kind {
        case .string, .text, .address:
            guard case .string(let text) = value else { throw typeError(field, "a string") }
            let limit = field.kind == .string ? 2_000 : 100_000
            guard text.count <= limit else {
                throw CRMError.invalidValue(field: field.name, reason: "tooLong", message: "longer than \(limit) characters")
            }
            return text.isEmpty ? .null : value
        case .url:
            guard case .string(let text) = value else { throw typeError(field, "a string") }
            guard isURL(text) else { throw CRMError.invalidValue(field: field.name, reason: "url", message: "not an absolute URL") }
            return value
        case .integer:
            guard case .number(let number) = value, let integer = number.int64Value else { throw typeError(field, "an integer") }
            return .int(integer)
        case .decimal:
            guard let text = decimalText(value), let canonical = DecimalText.canonical(text) else {
                throw typeError(field, "a decimal string such as \"12.50\"")
            }
            return .string(canonical)
        case .money:
            guard case .object(let object) = value, let amountText = object["amount"].flatMap(decimalText),
                  case .string(let currency)? = object["currency"], isCurrency(currency), object.count == 2 else {
                throw typeError(field, "{\"amount\": \"12.50\", \"currency\": \"RUB\"}")
            }
            return ["amount": .string(try storedAmount(amountText, for: field)), "currency": .string(currency)]
        case .date:
            guard case .string(let text) = value, Timestamp.parseDate(text) != nil else { throw typeError(field, "a date YYYY-MM-DD") }
            return value
        case .datetime:
            guard case .string(let text) = value, let canonical = Timestamp.canonical(text) else {
                throw typeError(field, "an ISO 8601 timestamp")
            }
            return .string(canonical)
        case .boolean:
            guard case .bool = value else { throw typeError(field, "a boolean") }
            return value
        case .enumeration:
            guard case .string(let text) = value else { throw typeError(field, "a string") }
            guard field.options.contains(text) else { throw optionError(field, text) }
            return value
        default:
            throw typeError(field, "a supported value")
        }
    }

    /// The API value of a stored built-in column.
    package static func output(_ value: SQLValue, for field: FieldDefinition) -> JSON {
        switch value {
        case .null:
            return field.kind == .phones || field.kind == .emails ? .array([]) : .null
        case .integer(let integer):
            return field.kind == .boolean ? .bool(integer != 0) : .int(integer)
        case .text(let text):
            switch field.kind {
            case .phones, .emails, .requisites, .unit, .json: return JSONText.parse(text) ?? .null
            default: return .string(text)
            }
        case .real, .blob:
            return .null
        }
    }

    /// `[{value, type}]` with values trimmed, empties dropped and the type defaulting to WORK.
    static func communicationList(_ value: JSON, for field: FieldDefinition) throws(CRMError) -> JSON {
        guard case .array(let items) = value else { throw typeError(field, "an array of {value, type}") }
        var list: [JSON] = []
        for item in items {
            guard case .string(let raw)? = item["value"] else { throw typeError(field, "an array of {value, type}") }
            let text = raw.trimmingSpaces()
            if text.isEmpty { continue }
            let type = item["type"]?.stringValue ?? "WORK"
            guard ["WORK", "MOBILE", "HOME", "OTHER"].contains(type) else {
                throw CRMError.invalidValue(field: field.name, reason: "option", message: "type must be WORK, MOBILE, HOME or OTHER")
            }
            list.append(["value": .string(text), "type": .string(type)])
        }
        return .array(list)
    }

    /// An amount as kept: exactly two decimals; 1007 `precision` with more, `tooLarge` past
    /// `Money.maximum` (so stored amounts always compare exactly in lists).
    private static func storedAmount(_ text: String, for field: FieldDefinition) throws(CRMError) -> String {
        guard let amount = DecimalText.money(text) else {
            throw CRMError.invalidValue(field: field.name, reason: "precision", message: "money has at most two decimals")
        }
        guard Money.parse(amount, allowNegative: true) != nil else { throw CRMError.amountTooLarge(field: field.name) }
        return amount
    }

    private static func decimalText(_ value: JSON) -> String? {
        switch value {
        case .string(let text): text
        case .number(let number): number.text.contains(where: { $0 == "e" || $0 == "E" }) ? nil : number.text
        default: nil
        }
    }

    private static func isURL(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else { return false }
        let scheme = text[..<colon]
        return scheme.first!.isLetter && scheme.allSatisfy { $0.isLetter || $0.isNumber || "+-.".contains($0) }
            && text[text.index(after: colon)...].count > 0 && !text.contains(" ")
    }

    private static func isCurrency(_ text: String) -> Bool {
        text.count == 3 && text.allSatisfy { $0.isASCII && $0.isUppercase }
    }

    private static func typeError(_ field: FieldDefinition, _ expected: String) -> CRMError {
        .invalidValue(field: field.name, reason: "type", message: "\(field.name) must be \(expected)")
    }

    private static func optionError(_ field: FieldDefinition, _ value: String) -> CRMError {
        .invalidValue(field: field.name, reason: "option",
                      message: "'\(value)' is not one of \(field.options.joined(separator: ", "))")
    }
}
