import JSONKit

/// An entity's custom fields (`field.list`) under Bitrix24's names: crmd's `site_area` is
/// `UF_CRM_SITE_AREA`. crmd codes of one entity differ in more than letter case, so the
/// upper-cased name leads back to one code. Values convert by the field's type: Bitrix24 sends
/// every scalar as text, crmd wants integers, booleans and `{amount, currency}` money.
struct BitrixCustomFields: Sendable {
    struct Field: Sendable {
        let code: String
        let type: String
        let title: String
        let multiple: Bool
        let required: Bool
        let options: [String]
    }

    let fields: [Field]

    init(list: JSON) {
        fields = (list["items"]?.arrayValue ?? []).compactMap { item in
            guard let code = item["code"]?.stringValue, let type = item["type"]?.stringValue else { return nil }
            return Field(code: code, type: type, title: item["title"]?.stringValue ?? code,
                         multiple: item["multiple"]?.boolValue ?? false, required: item["required"]?.boolValue ?? false,
                         options: (item["options"]?.arrayValue ?? []).compactMap(\.stringValue))
        }
    }

    static func bitrixName(_ code: String) -> String { "UF_CRM_" + code.uppercased() }

    /// The field Bitrix24 name `name` (`UF_CRM_SITE_AREA`) stands for.
    func field(named name: String) -> Field? {
        let upper = name.uppercased()
        guard upper.hasPrefix("UF_CRM_") else { return nil }
        return fields.first { Self.bitrixName($0.code) == upper }
    }

    /// A stored value as Bitrix24 shows it: text, `1`/`0` for booleans, `12.50|RUB` for money.
    func bitrixValue(_ value: JSON, of field: Field) -> JSON {
        if case .array(let items) = value { return .array(items.map { bitrixValue($0, of: field) }) }
        switch value {
        case .null: return .null
        case .bool(let flag): return .string(flag ? "1" : "0")
        case .object(let money):
            let amount = money["amount"]?.stringValue.map(BitrixValue.money) ?? ""
            return .string(amount + "|" + (money["currency"]?.stringValue ?? ""))
        default:
            if field.type == "datetime", let text = value.stringValue { return .string(BitrixValue.bitrixInstant(text)) }
            return BitrixValue.text(value).map(JSON.string) ?? .null
        }
    }

    /// A Bitrix24 value as crmd stores it for `field`.
    func crmdValue(_ value: JSON, of field: Field, name: String) throws(BitrixError) -> JSON {
        if field.multiple {
            let items: [JSON]
            switch value {
            case .array(let list): items = list
            case .null: items = []
            default: items = [value]
            }
            var converted: [JSON] = []
            for item in items where BitrixValue.text(item) != "" { converted.append(try single(item, of: field, name: name)) }
            return .array(converted)
        }
        return try single(value, of: field, name: name)
    }

    private func single(_ value: JSON, of field: Field, name: String) throws(BitrixError) -> JSON {
        if value.isNull { return .null }
        guard let text = BitrixValue.text(value) else { throw .core("Invalid value of \(name): a scalar expected") }
        if text.isEmpty { return .null }
        let bad = BitrixError.core("Invalid value of \(name): \(text) is not a \(field.type) value")
        switch field.type {
        case "integer":
            guard let number = Int64(text.trimmingSpaces) else { throw bad }
            return .int(number)
        case "decimal":
            guard let decimal = BitrixValue.decimal(value) else { throw bad }
            return .string(decimal)
        case "money":
            let parts = text.split(separator: "|", maxSplits: 1).map(String.init)
            guard let amount = BitrixValue.decimal(.string(parts[0])) else { throw bad }
            return ["amount": .string(amount), "currency": .string(parts.count > 1 ? parts[1] : "RUB")]
        case "boolean":
            guard let flag = BitrixValue.flag(value) else { throw bad }
            return .bool(flag)
        case "date":
            guard let instant = BitrixValue.crmdInstant(value) else { throw bad }
            return .string(String(instant.prefix(10)))
        case "datetime":
            guard let instant = BitrixValue.crmdInstant(value) else { throw bad }
            return .string(instant)
        default:
            return .string(text)
        }
    }
}
