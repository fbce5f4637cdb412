import JSONKit

/// `crm.<entity>.add/get/update/delete/fields` over crmd's `<entity>.add/get/update/delete/fields`.
struct BitrixRecordMethods {
    let entity: BitrixEntity
    let session: BitrixSession

    func add(_ parameters: BitrixParameters) throws(BitrixError) -> BitrixReply {
        let record = try BitrixRecord(entity, session: session)
        let fields = try record.crmd(try parameters.fields(), current: nil)
        let made = try session.call("\(entity.crmd).add", ["fields": fields], entity: entity)
        guard let id = made["id"]?.int64Value else { throw .internalError }
        return BitrixReply(result: .int(id))
    }

    func get(_ parameters: BitrixParameters) throws(BitrixError) -> BitrixReply {
        let id = try parameters.recordID()
        let record = try BitrixRecord(entity, session: session)
        let found = try session.call("\(entity.crmd).get", ["id": .int(id)], entity: entity)
        return BitrixReply(result: record.bitrix(found, selection: .all))
    }

    func update(_ parameters: BitrixParameters) throws(BitrixError) -> BitrixReply {
        let id = try parameters.recordID()
        let given = try parameters.fields()
        let record = try BitrixRecord(entity, session: session)
        let touchesLists = entity.fields.contains { field in
            field.isMultiple && given.objectValue?.keys.contains { $0.uppercased() == field.name } == true
        }
        let current = touchesLists ? try session.call("\(entity.crmd).get", ["id": .int(id)], entity: entity) : nil
        let fields = try record.crmd(given, current: current)
        _ = try session.call("\(entity.crmd).update", ["id": .int(id), "fields": fields], entity: entity)
        return BitrixReply(result: true)
    }

    func delete(_ parameters: BitrixParameters) throws(BitrixError) -> BitrixReply {
        let id = try parameters.recordID()
        _ = try session.call("\(entity.crmd).delete", ["id": .int(id)], entity: entity)
        return BitrixReply(result: true)
    }

    /// Every field in Bitrix24's description form; `isRequired` is crmd's own flag (a custom
    /// field required on every record, a built-in field required at the first stage).
    func fields(_ parameters: BitrixParameters) throws(BitrixError) -> BitrixReply {
        let described = try session.call("\(entity.crmd).fields", [:], entity: entity).objectValue ?? [:]
        var out: [String: JSON] = [:]
        for field in entity.fields {
            let required = described[field.crmd]?["isRequired"]?.boolValue ?? false
            out[field.name] = .object(Self.describe(type: field.type, title: field.title, required: required && !field.readOnly,
                                                    readOnly: field.readOnly, multiple: field.isMultiple, dynamic: false))
        }
        for field in try session.customFields(of: entity).fields {
            var description = Self.describe(type: Self.customType(field.type), title: field.title, required: field.required,
                                             readOnly: false, multiple: field.multiple, dynamic: true)
            description["listLabel"] = .string(field.title)
            description["formLabel"] = .string(field.title)
            if !field.options.isEmpty {
                description["items"] = .array(field.options.map { ["ID": .string($0), "VALUE": .string($0)] })
            }
            out[BitrixCustomFields.bitrixName(field.code)] = .object(description)
        }
        return BitrixReply(result: .object(out))
    }

    static func describe(type: String, title: String, required: Bool, readOnly: Bool, multiple: Bool, dynamic: Bool) -> [String: JSON] {
        ["type": .string(type), "title": .string(title), "isRequired": .bool(required), "isReadOnly": .bool(readOnly),
         "isImmutable": false, "isMultiple": .bool(multiple), "isDynamic": .bool(dynamic)]
    }

    /// Bitrix24's user-field type names for crmd's custom field types.
    private static func customType(_ crmd: String) -> String {
        switch crmd {
        case "integer": "integer"
        case "decimal": "double"
        case "boolean": "boolean"
        case "date": "date"
        case "datetime": "datetime"
        case "enum": "enumeration"
        case "money": "money"
        case "url": "url"
        case "address": "address"
        default: "string"
        }
    }
}
