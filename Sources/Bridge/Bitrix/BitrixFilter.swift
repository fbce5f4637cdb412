import JSONKit

/// Bitrix24's list `filter` as crmd's. The operators both have map one to one (`=`, `!`,
/// `!=`, `>`, `>=`, `<`, `<=`, `%`, `@`, `!@`); a `=%`/`%=` pattern maps when it is a plain
/// "contains" (`%x%`) or has no wildcard. What crmd's lists cannot express — `!%` (not
/// like), a pattern anchored at one end, a filter on a multifield (`PHONE`, `EMAIL`) — is
/// refused with an error naming it rather than answered with a page that ignores it.
struct BitrixFilter {
    let record: BitrixRecord

    private static let operators = ["!@", ">=", "<=", "!=", "!%", "=%", "%=", "@", ">", "<", "%", "!", "="]

    func crmd(_ filter: JSON?) throws(BitrixError) -> [String: JSON] {
        let map: [String: JSON]
        switch filter {
        case nil, .null?: return [:]
        case .object(let object)?: map = object
        case .array(let list)? where list.isEmpty: return [:]
        default: throw .core("filter must be an object")
        }
        var out: [String: JSON] = [:]
        for (key, value) in map {
            let (op, name) = Self.split(key)
            let (crmdOp, crmdValue) = try pattern(op: op, value: value, key: key)
            try add(name: name.uppercased(), op: crmdOp, value: crmdValue, key: key, into: &out)
        }
        return out
    }

    private static func split(_ key: String) -> (String, String) {
        for op in operators where key.hasPrefix(op) { return (op, String(key.dropFirst(op.count))) }
        return ("", key)
    }

    /// The crmd operator for a Bitrix24 one; a LIKE pattern becomes "contains" or "equals".
    private func pattern(op: String, value: JSON, key: String) throws(BitrixError) -> (String, JSON) {
        switch op {
        case "", "=": return ("", value)
        case "!", "!=": return ("!", value)
        case "!%": throw .core("Filter \(key): crmd cannot filter by NOT LIKE")
        case "=%", "%=":
            guard let text = BitrixValue.text(value) else { throw .core("Filter \(key): a pattern expected") }
            if !text.contains("%") { return ("", value) }
            let inner = text.dropFirst().dropLast()
            if text.count >= 2, text.hasPrefix("%"), text.hasSuffix("%"), !inner.contains("%"), !inner.isEmpty {
                return ("%", .string(String(inner)))
            }
            throw .core("Filter \(key): crmd can match a pattern only as %text% (contains)")
        default: return (op, value)
        }
    }

    private func add(name: String, op: String, value: JSON, key: String, into out: inout [String: JSON]) throws(BitrixError) {
        if let field = record.custom.field(named: name), record.entity.hasCustomFields {
            out[op + "custom." + field.code] = try convert(value, op: op, key: key) { value throws(BitrixError) in
                let converted = try record.custom.crmdValue(value, of: field, name: name)
                if case .object(let money) = converted { return money["amount"] ?? .null }
                return converted
            }
            return
        }
        guard let field = record.entity.field(name) else {
            throw .core("Filter \(key): crmd's \(record.entity.crmd) has no field \(name)")
        }
        switch field.kind {
        case .multifield, .web, .has:
            throw .core("Filter \(key): crmd cannot filter by \(name); crmd's search (by phone or e-mail in any notation) is not a Bitrix24 filter")
        case .semantic, .closed:
            throw .core("Filter \(key): crmd cannot filter by \(name); filter by the stage instead")
        case .text where op == "%":
            guard let text = BitrixValue.text(value) else { throw .core("Filter \(key): a string expected") }
            out["%" + field.crmd] = .string(text)
        case .text:
            out[op + field.crmd] = try convert(value, op: op, key: key) { value throws(BitrixError) in
                if value.isNull { return .null }
                guard let text = BitrixValue.text(value) else { throw .core("Filter \(key): a string expected") }
                return text.isEmpty ? .null : .string(text)
            }
        default:
            out[op + field.crmd] = try convert(value, op: op, key: key) { value throws(BitrixError) in
                if value.isNull || BitrixValue.text(value) == "" { return .null }
                if field.kind == .id, BitrixValue.text(value) == "0" { return .null }
                return try field.crmdValue(of: value, categories: record.categories)
            }
        }
    }

    /// One value, or each value of an `@`/`!@` list.
    private func convert(_ value: JSON, op: String, key: String, _ one: (JSON) throws(BitrixError) -> JSON) throws(BitrixError) -> JSON {
        guard op == "@" || op == "!@" else {
            if case .array = value { throw .core("Filter \(key): one value expected (use @ for a list)") }
            return try one(value)
        }
        let items: [JSON]
        switch value {
        case .array(let list): items = list
        case .object(let map): items = Array(map.values)
        default: items = [value]
        }
        var converted: [JSON] = []
        for item in items { converted.append(try one(item)) }
        return .array(converted)
    }
}
