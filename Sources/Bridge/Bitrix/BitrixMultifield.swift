import JSONKit

/// Bitrix24's multifield writes over crmd's phone and e-mail lists. In Bitrix24 an `update`
/// adds the entries given without an `ID`, changes the one whose `ID` it names, and removes it
/// with `DELETE: "Y"` or an empty `VALUE`; the rest stay. crmd replaces the whole list, so the
/// facade builds the new list from the record's current one. An entry's `ID` is its position
/// in the list (1, 2, …), as the facade shows it.
enum BitrixMultifield {
    static let types: Set<String> = ["WORK", "MOBILE", "HOME", "OTHER"]

    static func merge(_ given: JSON, into current: [JSON], field: String) throws(BitrixError) -> [JSON] {
        let entries: [JSON]
        switch given {
        case .array(let list): entries = list
        case .object(let map): entries = map.keys.sorted { (Int($0) ?? 0, $0) < (Int($1) ?? 0, $1) }.compactMap { map[$0] }
        case .null: return []
        default: throw .core("Invalid value of \(field): a list of {VALUE, VALUE_TYPE} expected")
        }
        var list: [JSON?] = current
        for entry in entries {
            guard case .object = entry else { throw .core("Invalid value of \(field): a list of {VALUE, VALUE_TYPE} expected") }
            let value = entry["VALUE"].flatMap(BitrixValue.text) ?? ""
            let deleting = entry["DELETE"].flatMap(BitrixValue.flag) == true || value.isEmpty
            let type = (entry["VALUE_TYPE"].flatMap(BitrixValue.text) ?? "WORK").uppercased()
            guard types.contains(type) else {
                throw .core("Invalid value of \(field): VALUE_TYPE \(type) is not one of WORK, MOBILE, HOME, OTHER")
            }
            let item: JSON = ["value": .string(value), "type": .string(type)]
            if let idValue = entry["ID"], BitrixValue.text(idValue) != "" {
                guard let id = BitrixValue.id(idValue), id <= list.count else {
                    throw .core("Invalid value of \(field): no entry with ID \(BitrixValue.text(idValue) ?? "")")
                }
                list[Int(id) - 1] = deleting ? nil : item
            } else if !deleting {
                list.append(item)
            }
        }
        return list.compactMap { $0 }
    }

    /// The one website a `WEB` multifield leaves: its first entry that is not removed.
    static func website(_ given: JSON, current: String?) throws(BitrixError) -> JSON {
        let currentList: [JSON] = current.map { [["value": .string($0), "type": "WORK"]] } ?? []
        let merged = try merge(given, into: currentList, field: "WEB")
        return merged.first?["value"] ?? .null
    }
}
