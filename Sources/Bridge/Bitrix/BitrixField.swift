import JSONKit

/// One Bitrix24 field of an entity and the crmd field behind it: `TITLE` is `title`, `PHONE`
/// is `phones`, `ASSIGNED_BY_ID` is `assignedTo`. The kind says how values convert both ways.
struct BitrixField: Sendable {
    enum Kind: Sendable, Equatable {
        /// Text as it is.
        case text
        /// A record's or user's id: `"5"` in Bitrix24, `5` in crmd; `0` or empty is none.
        case id
        /// An amount, decimal text with two decimals out.
        case money
        /// An instant: Bitrix24's offset form out, crmd's UTC form in.
        case instant
        /// A date (`birthdate`, `contractDate`).
        case date
        /// `Y`/`N` ↔ a boolean.
        case flag
        /// A stage id (a deal's in a further pipeline carries its `CN:` prefix, in both).
        case stage
        /// A deal's pipeline as Bitrix24's category: `0` for the default pipeline.
        case category
        /// A phone or e-mail list, Bitrix24's multifield `[{ID, VALUE, VALUE_TYPE, TYPE_ID}]`.
        case multifield(typeID: String)
        /// Bitrix24's `WEB` multifield over crmd's one `website`.
        case web
        /// `P`/`S`/`F` from the stage's semantic (read only).
        case semantic
        /// `Y` once the stage is a final one (read only).
        case closed
        /// `Y` when the multifield `crmd` names has an entry (read only).
        case has
    }

    let name: String
    let crmd: String
    let kind: Kind
    /// The type `crm.*.fields` reports, as Bitrix24 names types.
    let type: String
    let title: String
    var readOnly = false

    var isMultiple: Bool {
        switch kind {
        case .multifield, .web: true
        default: false
        }
    }

    init(_ name: String, _ crmd: String, _ kind: Kind, _ type: String, _ title: String, readOnly: Bool = false) {
        self.name = name
        self.crmd = crmd
        self.kind = kind
        self.type = type
        self.title = title
        self.readOnly = readOnly
    }

    /// The Bitrix24 form of the value a crmd record holds for this field; nil leaves the
    /// field out (an empty multifield, as Bitrix24 does).
    func bitrixValue(of record: [String: JSON], categories: BitrixCategories) -> JSON? {
        let value = record[crmd] ?? .null
        switch kind {
        case .text:
            return BitrixValue.text(value).map(JSON.string) ?? .null
        case .id:
            return value.int64Value.map { .string(String($0)) } ?? .null
        case .money:
            return value.stringValue.map { .string(BitrixValue.money($0)) } ?? .null
        case .instant:
            return value.stringValue.map { .string(BitrixValue.bitrixInstant($0)) } ?? .string("")
        case .date:
            return value.stringValue.map { .string(BitrixValue.bitrixDate($0)) } ?? .string("")
        case .flag:
            return .string(value.boolValue == true ? "Y" : "N")
        case .stage:
            return value.stringValue.map(JSON.string) ?? .null
        case .category:
            return .string(categories.bitrixCategory(value.int64Value))
        case .multifield(let typeID):
            let items = value.arrayValue ?? []
            guard !items.isEmpty else { return nil }
            return .array(items.enumerated().map { index, item in
                ["ID": .string(String(index + 1)), "VALUE": item["value"] ?? .null,
                 "VALUE_TYPE": item["type"] ?? "WORK", "TYPE_ID": .string(typeID)]
            })
        case .web:
            guard let site = value.stringValue, !site.isEmpty else { return nil }
            return [["ID": "1", "VALUE": .string(site), "VALUE_TYPE": "WORK", "TYPE_ID": "WEB"]]
        case .semantic:
            switch value.stringValue {
            case "success": return "S"
            case "failure": return "F"
            default: return "P"
            }
        case .closed:
            return .string(value.stringValue == "process" || value.isNull ? "N" : "Y")
        case .has:
            return .string((value.arrayValue ?? []).isEmpty ? "N" : "Y")
        }
    }

    /// The crmd value for a Bitrix24 value given to `add` or `update` (multifields are
    /// handled by `BitrixMultifield`, which needs the record's current list).
    func crmdValue(of value: JSON, categories: BitrixCategories) throws(BitrixError) -> JSON {
        func bad(_ expected: String) -> BitrixError { .core("Invalid value of \(name): \(expected) expected") }
        switch kind {
        case .text:
            guard let text = BitrixValue.text(value) else {
                if value.isNull { return .null }
                throw bad("a string")
            }
            return text.isEmpty ? .null : .string(text)
        case .id:
            if value.isNull || BitrixValue.text(value) == "" || BitrixValue.text(value) == "0" { return .null }
            guard let id = BitrixValue.id(value) else { throw bad("an id") }
            return .int(id)
        case .money:
            guard let amount = BitrixValue.decimal(value) else {
                if value.isNull || BitrixValue.text(value) == "" { return .null }
                throw bad("a decimal amount")
            }
            return .string(amount)
        case .instant:
            guard let instant = BitrixValue.crmdInstant(value) else { throw bad("a date and time (ISO 8601)") }
            return .string(instant)
        case .date:
            if value.isNull || BitrixValue.text(value) == "" { return .null }
            guard let instant = BitrixValue.crmdInstant(value) else { throw bad("a date") }
            return .string(String(instant.prefix(10)))
        case .flag:
            guard let flag = BitrixValue.flag(value) else { throw bad("Y or N") }
            return .bool(flag)
        case .stage:
            guard let text = BitrixValue.text(value), !text.isEmpty else { throw bad("a stage id") }
            return .string(text)
        case .category:
            guard let text = BitrixValue.text(value), let pipeline = categories.crmdPipeline(text) else { throw bad("a category id") }
            return .int(pipeline)
        case .multifield, .web, .semantic, .closed, .has:
            throw .core("Field \(name) is read only")
        }
    }
}
