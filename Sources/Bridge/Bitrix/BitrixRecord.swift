import JSONKit

/// Which fields a read returns. `crm.*.get` returns every field; a list returns those its
/// `select` names, where `*` is every field that is not a multifield and `UF_*` every custom
/// field, and without a `select` what `*` would (as Bitrix24 does). `ID` always comes back.
struct BitrixSelection: Sendable {
    var everything = false
    var standard = false
    var custom = false
    var names: Set<String> = []

    static let all = BitrixSelection(everything: true)

    init(everything: Bool) { self.everything = everything }

    init(select: JSON?) throws(BitrixError) {
        let items: [JSON]
        switch select {
        case nil, .null?: items = []
        case .array(let list)?: items = list
        case .object(let map)?: items = Array(map.values)
        case .string(let one)?: items = [.string(one)]
        default: throw .core("select must be a list of field names")
        }
        for item in items {
            guard let name = BitrixValue.text(item)?.uppercased() else { throw .core("select must be a list of field names") }
            switch name {
            case "*": standard = true
            case "UF_*": custom = true
            default: names.insert(name)
            }
        }
        if items.isEmpty { standard = true }
    }

    func includes(_ field: BitrixField) -> Bool {
        everything || field.name == "ID" || names.contains(field.name) || (standard && !field.isMultiple)
    }

    func includesCustom(_ name: String) -> Bool { everything || custom || names.contains(name) }
}

/// Turns crmd records into Bitrix24's and Bitrix24's `fields` into crmd's.
struct BitrixRecord {
    let entity: BitrixEntity
    let custom: BitrixCustomFields
    let categories: BitrixCategories

    init(_ entity: BitrixEntity, session: BitrixSession) throws(BitrixError) {
        self.entity = entity
        custom = try session.customFields(of: entity)
        categories = try session.categories(of: entity)
    }

    func bitrix(_ record: JSON, selection: BitrixSelection) -> JSON {
        let values = record.objectValue ?? [:]
        var out: [String: JSON] = [:]
        for field in entity.fields where selection.includes(field) {
            if let value = field.bitrixValue(of: values, categories: categories) { out[field.name] = value }
        }
        let stored = values["custom"]?.objectValue ?? [:]
        for field in custom.fields {
            let name = BitrixCustomFields.bitrixName(field.code)
            guard selection.includesCustom(name) else { continue }
            out[name] = custom.bitrixValue(stored[field.code] ?? (field.multiple ? [] : .null), of: field)
        }
        return .object(out)
    }

    /// crmd's `fields` for Bitrix24's `fields`. `current` is the record being updated (nil
    /// for an add): multifields change relative to it. A field crmd does not have is refused,
    /// not dropped, so a script learns that its data would not be kept.
    func crmd(_ given: JSON, current: JSON?) throws(BitrixError) -> JSON {
        guard case .object(let map) = given else { throw .core("fields must be an object") }
        var fields: [String: JSON] = [:]
        var customValues: [String: JSON] = [:]
        for (rawName, value) in map {
            let name = rawName.uppercased()
            if let field = custom.field(named: name), entity.hasCustomFields {
                customValues[field.code] = try custom.crmdValue(value, of: field, name: name)
                continue
            }
            guard let field = entity.field(name) else {
                throw .core("Unknown field \(name): crmd's \(entity.crmd) has no such field (see crm.\(entity.crmd).fields)")
            }
            guard !field.readOnly else { continue }
            switch field.kind {
            case .multifield:
                let existing = current?[field.crmd]?.arrayValue ?? []
                fields[field.crmd] = .array(try BitrixMultifield.merge(value, into: existing, field: name))
            case .web:
                fields[field.crmd] = try BitrixMultifield.website(value, current: current?[field.crmd]?.stringValue)
            case .stage:
                let converted = try field.crmdValue(of: value, categories: categories)
                fields[field.crmd] = converted
                if let pipeline = categories.pipeline(ofStage: BitrixValue.text(value) ?? ""), fields["pipelineId"] == nil {
                    fields["pipelineId"] = .int(pipeline)
                }
            default:
                fields[field.crmd] = try field.crmdValue(of: value, categories: categories)
            }
        }
        if !customValues.isEmpty { fields["custom"] = .object(customValues) }
        return .object(fields)
    }
}
