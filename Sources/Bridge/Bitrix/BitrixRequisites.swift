import JSONKit

/// `crm.requisite.*` over crmd's `requisite.*`. Bitrix24's `PRESET_ID` 1, 2, 3 are its stock
/// presets «Организация», «ИП» and «Физ. лицо», crmd's `legal`, `ip` and `person`;
/// `ENTITY_TYPE_ID` 3 or 4 with `ENTITY_ID` is the contact or company they belong to. crmd
/// lists requisites per record only, so `crm.requisite.list` needs that pair in its filter.
struct BitrixRequisites {
    let session: BitrixSession

    private static let presets = ["1": "legal", "2": "ip", "3": "person"]

    /// Bitrix24's `RQ_*` names of crmd's requisite fields.
    static let fieldNames: [(bitrix: String, crmd: String, title: String)] = [
        ("RQ_INN", "inn", "ИНН"), ("RQ_KPP", "kpp", "КПП"), ("RQ_OGRN", "ogrn", "ОГРН"), ("RQ_OGRNIP", "ogrnip", "ОГРНИП"),
        ("RQ_COMPANY_NAME", "shortName", "Сокращённое наименование"), ("RQ_COMPANY_FULL_NAME", "fullName", "Полное наименование"),
        ("RQ_DIRECTOR", "directorName", "Руководитель"), ("RQ_ACCOUNTANT", "accountantName", "Главный бухгалтер"),
        ("RQ_FIRST_NAME", "firstName", "Имя"), ("RQ_LAST_NAME", "lastName", "Фамилия"), ("RQ_SECOND_NAME", "middleName", "Отчество"),
        ("RQ_OKPO", "okpo", "ОКПО"), ("RQ_OKTMO", "oktmo", "ОКТМО"), ("RQ_OKVED", "okved", "ОКВЭД"), ("RQ_SNILS", "snils", "СНИЛС"),
    ]

    func run(_ verb: String, _ parameters: BitrixParameters) throws(BitrixError) -> BitrixReply {
        switch verb {
        case "add":
            let given = try upper(try parameters.fields())
            guard let entity = given["ENTITY_TYPE_ID"].flatMap(BitrixValue.text).flatMap(Int.init).flatMap(BitrixEntity.owner(typeID:)),
                  entity.crmd == "contact" || entity.crmd == "company",
                  let entityID = given["ENTITY_ID"].flatMap(BitrixValue.id) else {
                throw .core("ENTITY_TYPE_ID (3 contact, 4 company) and ENTITY_ID are required")
            }
            guard let preset = given["PRESET_ID"].flatMap(BitrixValue.text).flatMap({ Self.presets[$0] }) else {
                throw .core("PRESET_ID must be 1 (Организация), 2 (ИП) or 3 (Физ. лицо)")
            }
            var params: [String: JSON] = ["entityType": .string(entity.crmd), "entityId": .int(entityID), "preset": .string(preset),
                                          "fields": try crmdFields(given)]
            if let name = given["NAME"].flatMap(BitrixValue.text), !name.isEmpty { params["name"] = .string(name) }
            let made = try session.call("requisite.add", .object(params))
            guard let id = made["id"]?.int64Value else { throw .internalError }
            return BitrixReply(result: .int(id))
        case "get":
            return BitrixReply(result: bitrix(try session.call("requisite.get", ["id": .int(try parameters.recordID())])))
        case "update":
            let id = try parameters.recordID()
            let given = try upper(try parameters.fields())
            let current = try session.call("requisite.get", ["id": .int(id)])
            var fields = current["fields"]?.objectValue ?? [:]
            for (key, value) in try crmdFields(given).objectValue ?? [:] { fields[key] = value }
            var params: [String: JSON] = ["id": .int(id), "fields": .object(fields.filter { !$0.value.isNull })]
            if let name = given["NAME"].flatMap(BitrixValue.text) { params["name"] = .string(name) }
            _ = try session.call("requisite.update", .object(params))
            return BitrixReply(result: true)
        case "delete":
            _ = try session.call("requisite.delete", ["id": .int(try parameters.recordID())])
            return BitrixReply(result: true)
        case "fields":
            var out: [String: JSON] = [:]
            for (name, type, title) in [("ID", "integer", "ID"), ("ENTITY_TYPE_ID", "integer", "Тип владельца"),
                                        ("ENTITY_ID", "integer", "Владелец"), ("PRESET_ID", "integer", "Шаблон"), ("NAME", "string", "Название")] {
                out[name] = .object(BitrixRecordMethods.describe(type: type, title: title, required: name != "NAME" && name != "ID",
                                                                 readOnly: name == "ID", multiple: false, dynamic: false))
            }
            for field in Self.fieldNames {
                out[field.bitrix] = .object(BitrixRecordMethods.describe(type: "string", title: field.title, required: false,
                                                                         readOnly: false, multiple: false, dynamic: false))
            }
            return BitrixReply(result: .object(out))
        case "list":
            let filter = try upper(parameters["filter"] ?? [:])
            guard filter.keys.allSatisfy({ $0 == "ENTITY_TYPE_ID" || $0 == "ENTITY_ID" }),
                  let entity = filter["ENTITY_TYPE_ID"].flatMap(BitrixValue.text).flatMap(Int.init).flatMap(BitrixEntity.owner(typeID:)),
                  let entityID = filter["ENTITY_ID"].flatMap(BitrixValue.id) else {
                throw .core("crmd lists the requisites of one record: filter by ENTITY_TYPE_ID and ENTITY_ID")
            }
            let items = try session.call("requisite.list", ["entityType": .string(entity.crmd), "entityId": .int(entityID)])["items"]?.arrayValue ?? []
            return BitrixReply(result: .array(items.map(bitrix)), total: items.count)
        default:
            throw .methodNotFound
        }
    }

    private func upper(_ value: JSON) throws(BitrixError) -> [String: JSON] {
        if case .array(let list) = value, list.isEmpty { return [:] }
        guard case .object(let map) = value else { throw .core("an object of fields expected") }
        return Dictionary(map.map { ($0.key.uppercased(), $0.value) }, uniquingKeysWith: { _, last in last })
    }

    private func crmdFields(_ given: [String: JSON]) throws(BitrixError) -> JSON {
        var out: [String: JSON] = [:]
        for (name, value) in given where !["ENTITY_TYPE_ID", "ENTITY_ID", "PRESET_ID", "NAME", "ID", "ACTIVE", "SORT", "XML_ID"].contains(name) {
            guard let field = Self.fieldNames.first(where: { $0.bitrix == name }) else {
                throw .core("Unknown field \(name): crmd's requisites have no such field (see crm.requisite.fields)")
            }
            let text = BitrixValue.text(value) ?? ""
            out[field.crmd] = text.isEmpty ? .null : .string(text)
        }
        return .object(out)
    }

    private func bitrix(_ requisite: JSON) -> JSON {
        let presetID = Self.presets.first { $0.value == requisite["preset"]?.stringValue }?.key ?? "1"
        let ownerType = requisite["entityType"]?.stringValue.flatMap(BitrixEntity.named)?.ownerTypeID ?? 4
        var out: [String: JSON] = ["ID": .string(String(requisite["id"]?.int64Value ?? 0)), "ENTITY_TYPE_ID": .string(String(ownerType)),
                                   "ENTITY_ID": .string(String(requisite["entityId"]?.int64Value ?? 0)), "PRESET_ID": .string(presetID),
                                   "NAME": requisite["name"] ?? .null,
                                   "DATE_CREATE": requisite["createdAt"]?.stringValue.map { .string(BitrixValue.bitrixInstant($0)) } ?? .null,
                                   "DATE_MODIFY": requisite["updatedAt"]?.stringValue.map { .string(BitrixValue.bitrixInstant($0)) } ?? .null]
        let fields = requisite["fields"]?.objectValue ?? [:]
        for field in Self.fieldNames { out[field.bitrix] = fields[field.crmd] ?? .null }
        return .object(out)
    }
}

/// `crm.requisite.bankdetail.add/update/delete/list` over crmd's `bankDetail.*`; `ENTITY_ID` is
/// the requisite they belong to. crmd has no call reading one bank detail by its id, so
/// `crm.requisite.bankdetail.get` is not offered.
struct BitrixBankDetails {
    let session: BitrixSession

    private static let fieldNames: [(bitrix: String, crmd: String)] = [
        ("NAME", "name"), ("RQ_BIK", "bik"), ("RQ_BANK_NAME", "bankName"), ("RQ_BANK_ADDR", "bankCity"),
        ("RQ_ACC_NUM", "account"), ("RQ_COR_ACC_NUM", "corrAccount"),
    ]

    func run(_ verb: String, _ parameters: BitrixParameters) throws(BitrixError) -> BitrixReply {
        switch verb {
        case "add":
            let given = try parameters.fields().objectValue ?? [:]
            guard let requisite = given.first(where: { $0.key.uppercased() == "ENTITY_ID" }).flatMap({ BitrixValue.id($0.value) }) else {
                throw .core("ENTITY_ID (the requisite) is required")
            }
            let made = try session.call("bankDetail.add", ["requisiteId": .int(requisite), "fields": try crmdFields(given)])
            guard let id = made["id"]?.int64Value else { throw .internalError }
            return BitrixReply(result: .int(id))
        case "update":
            let id = try parameters.recordID()
            _ = try session.call("bankDetail.update", ["id": .int(id), "fields": try crmdFields(try parameters.fields().objectValue ?? [:])])
            return BitrixReply(result: true)
        case "delete":
            _ = try session.call("bankDetail.delete", ["id": .int(try parameters.recordID())])
            return BitrixReply(result: true)
        case "list":
            let filter = parameters["filter"]?.objectValue ?? [:]
            guard filter.count == 1, let requisite = filter.first(where: { $0.key.uppercased() == "ENTITY_ID" }).flatMap({ BitrixValue.id($0.value) }) else {
                throw .core("crmd lists the bank details of one requisite: filter by ENTITY_ID")
            }
            let items = try session.call("bankDetail.list", ["requisiteId": .int(requisite)])["items"]?.arrayValue ?? []
            return BitrixReply(result: .array(items.map(bitrix)), total: items.count)
        default:
            throw .methodNotFound
        }
    }

    private func crmdFields(_ given: [String: JSON]) throws(BitrixError) -> JSON {
        var out: [String: JSON] = [:]
        for (rawName, value) in given {
            let name = rawName.uppercased()
            if ["ENTITY_ID", "ID", "COUNTRY_ID", "ACTIVE", "SORT", "XML_ID"].contains(name) { continue }
            guard let field = Self.fieldNames.first(where: { $0.bitrix == name }) else {
                throw .core("Unknown field \(name): crmd's bank details have no such field")
            }
            let text = BitrixValue.text(value) ?? ""
            out[field.crmd] = text.isEmpty ? .null : .string(text)
        }
        return .object(out)
    }

    private func bitrix(_ detail: JSON) -> JSON {
        var out: [String: JSON] = ["ID": .string(String(detail["id"]?.int64Value ?? 0)),
                                   "ENTITY_ID": .string(String(detail["requisiteId"]?.int64Value ?? 0))]
        for field in Self.fieldNames { out[field.bitrix] = detail[field.crmd] ?? .null }
        return .object(out)
    }
}
