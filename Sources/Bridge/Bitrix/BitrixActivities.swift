import JSONKit

/// `crm.activity.*` over crmd's `activity.*`. Bitrix24's `TYPE_ID` 1, 2, 3 are crmd's meeting,
/// call and task (4, e-mail, crmd does not keep as an activity); `OWNER_TYPE_ID`/`OWNER_ID`
/// is the record it binds to (1 lead, 2 deal, 3 contact, 4 company), `COMMUNICATIONS` the
/// contacts or lead to remind, `COMPLETED` its status. crmd's `activity.list` pages by cursor
/// only, without a count or an order: the list reads every match (500 a call) to answer
/// Bitrix24's `total` and `start`, and orders by `ID` when asked.
struct BitrixActivities {
    let session: BitrixSession

    private static let types = ["1": "meeting", "2": "call", "3": "task"]

    func run(_ verb: String, _ parameters: BitrixParameters) throws(BitrixError) -> BitrixReply {
        switch verb {
        case "add":
            let made = try session.call("activity.add", ["fields": try crmd(try parameters.fields(), adding: true)])
            guard let id = made["id"]?.int64Value else { throw .internalError }
            return BitrixReply(result: .int(id))
        case "get":
            return BitrixReply(result: bitrix(try session.call("activity.get", ["id": .int(try parameters.recordID())])))
        case "update":
            let id = try parameters.recordID()
            _ = try session.call("activity.update", ["id": .int(id), "fields": try crmd(try parameters.fields(), adding: false)])
            return BitrixReply(result: true)
        case "delete":
            _ = try session.call("activity.delete", ["id": .int(try parameters.recordID())])
            return BitrixReply(result: true)
        case "fields":
            return BitrixReply(result: fields)
        case "list":
            return try list(parameters)
        default:
            throw .methodNotFound
        }
    }

    private func crmd(_ given: JSON, adding: Bool) throws(BitrixError) -> JSON {
        guard case .object(let raw) = given else { throw .core("fields must be an object") }
        let map = Dictionary(raw.map { ($0.key.uppercased(), $0.value) }, uniquingKeysWith: { _, last in last })
        var out: [String: JSON] = [:]
        var type = adding ? "task" : nil
        if let typeID = map["TYPE_ID"] {
            guard let known = BitrixValue.text(typeID).flatMap({ Self.types[$0] }) else {
                throw .core("Invalid value of TYPE_ID: crmd keeps meetings (1), calls (2) and tasks (3)")
            }
            type = known
            out["type"] = .string(known)
        } else if adding {
            out["type"] = "task"
        }
        func instant(_ name: String) throws(BitrixError) -> JSON? {
            guard let value = map[name], BitrixValue.text(value) != "" else { return nil }
            guard let converted = BitrixValue.crmdInstant(value) else { throw .core("Invalid value of \(name): a date and time expected") }
            return .string(converted)
        }
        if let subject = map["SUBJECT"].flatMap(BitrixValue.text) { out["subject"] = .string(subject) }
        if let description = map["DESCRIPTION"] { out["description"] = BitrixValue.text(description).map(JSON.string) ?? .null }
        if let place = map["LOCATION"] { out["place"] = BitrixValue.text(place).map(JSON.string) ?? .null }
        if let responsible = map["RESPONSIBLE_ID"] {
            guard let id = BitrixValue.id(responsible) else { throw .core("Invalid value of RESPONSIBLE_ID: a user id expected") }
            out["responsibleId"] = .int(id)
        }
        if type == "task" {
            if let deadline = try instant("DEADLINE") {
                out["deadline"] = deadline
            } else if let end = try instant("END_TIME") {
                out["deadline"] = end
            }
        } else {
            if let start = try instant("START_TIME") { out["start"] = start }
            if let end = try instant("END_TIME") {
                out["end"] = end
            } else if let deadline = try instant("DEADLINE") {
                out["end"] = deadline
            }
        }
        if let completed = map["COMPLETED"] {
            guard let flag = BitrixValue.flag(completed) else { throw .core("Invalid value of COMPLETED: Y or N expected") }
            out["status"] = flag ? "completed" : "planned"
        }
        if let ownerType = map["OWNER_TYPE_ID"], let owner = map["OWNER_ID"] {
            guard let entity = BitrixValue.text(ownerType).flatMap(Int.init).flatMap(BitrixEntity.owner(typeID:)),
                  let id = BitrixValue.id(owner) else { throw .core("Invalid value of OWNER_TYPE_ID/OWNER_ID") }
            out["bindings"] = [["entityType": .string(entity.crmd), "id": .int(id)]]
        }
        if let communications = map["COMMUNICATIONS"] {
            var contacts: [JSON] = []
            for item in communications.arrayValue ?? Array((communications.objectValue ?? [:]).values) {
                let entry = Dictionary((item.objectValue ?? [:]).map { ($0.key.uppercased(), $0.value) }, uniquingKeysWith: { _, last in last })
                guard let typeID = entry["ENTITY_TYPE_ID"].flatMap(BitrixValue.text), typeID == "1" || typeID == "3",
                      let id = entry["ENTITY_ID"].flatMap(BitrixValue.id) else {
                    throw .core("Invalid value of COMMUNICATIONS: crmd reminds a contact (ENTITY_TYPE_ID 3) or a lead (1) by ENTITY_ID")
                }
                contacts.append(["entityType": typeID == "1" ? "lead" : "contact", "id": .int(id)])
            }
            out["clientContacts"] = .array(contacts)
        }
        return .object(out)
    }

    private func bitrix(_ activity: JSON) -> JSON {
        let typeID = Self.types.first { $0.value == activity["type"]?.stringValue }?.key ?? "3"
        let owner = activity["bindings"]?.arrayValue?.first
        let ownerType = owner.flatMap { $0["entityType"]?.stringValue }.flatMap(BitrixEntity.named)?.ownerTypeID
        func instant(_ key: String) -> JSON { activity[key]?.stringValue.map { .string(BitrixValue.bitrixInstant($0)) } ?? "" }
        let status = activity["status"]?.stringValue
        let communications: [JSON] = (activity["clientContacts"]?.arrayValue ?? []).map { contact in
            ["ENTITY_TYPE_ID": contact["entityType"]?.stringValue == "lead" ? "1" : "3",
             "ENTITY_ID": .string(String(contact["id"]?.int64Value ?? 0))]
        }
        return ["ID": .string(String(activity["id"]?.int64Value ?? 0)), "TYPE_ID": .string(typeID),
                "OWNER_TYPE_ID": ownerType.map { .string(String($0)) } ?? .null,
                "OWNER_ID": owner?["id"]?.int64Value.map { .string(String($0)) } ?? .null,
                "SUBJECT": activity["subject"] ?? .null, "DESCRIPTION": activity["description"] ?? .null,
                "LOCATION": activity["place"] ?? .null,
                "RESPONSIBLE_ID": .string(String(activity["responsibleId"]?.int64Value ?? 0)),
                "AUTHOR_ID": activity["createdBy"]?.int64Value.map { .string(String($0)) } ?? .null,
                "START_TIME": instant("start"), "END_TIME": typeID == "3" ? instant("deadline") : instant("end"),
                "DEADLINE": typeID == "3" ? instant("deadline") : instant("end"),
                "COMPLETED": status == "planned" ? "N" : "Y", "STATUS": status == "planned" ? "1" : "2",
                "CREATED": instant("createdAt"), "LAST_UPDATED": instant("updatedAt"), "COMMUNICATIONS": .array(communications)]
    }

    private var fields: JSON {
        let table: [(String, String, String, Bool)] = [
            ("ID", "integer", "ID", true), ("OWNER_TYPE_ID", "integer", "Тип владельца", false),
            ("OWNER_ID", "integer", "Владелец", false), ("TYPE_ID", "enumeration", "Тип", false),
            ("SUBJECT", "string", "Тема", false), ("DESCRIPTION", "string", "Описание", false),
            ("LOCATION", "string", "Место", false), ("RESPONSIBLE_ID", "user", "Ответственный", false),
            ("AUTHOR_ID", "user", "Автор", true), ("START_TIME", "datetime", "Начало", false),
            ("END_TIME", "datetime", "Окончание", false), ("DEADLINE", "datetime", "Срок", false),
            ("COMPLETED", "char", "Выполнено", false), ("STATUS", "enumeration", "Статус", true),
            ("CREATED", "datetime", "Создано", true), ("LAST_UPDATED", "datetime", "Изменено", true),
            ("COMMUNICATIONS", "crm_activity_communication", "Клиенты", false),
        ]
        var out: [String: JSON] = [:]
        for (name, type, title, readOnly) in table {
            out[name] = .object(BitrixRecordMethods.describe(type: type, title: title, required: name == "SUBJECT",
                                                             readOnly: readOnly, multiple: name == "COMMUNICATIONS", dynamic: false))
        }
        return .object(out)
    }

    private func list(_ parameters: BitrixParameters) throws(BitrixError) -> BitrixReply {
        var filter: [String: JSON] = [:]
        let given = Dictionary((parameters["filter"]?.objectValue ?? [:]).map { ($0.key.uppercased(), $0.value) }, uniquingKeysWith: { _, last in last })
        var ownerType: BitrixEntity?
        for (name, value) in given {
            switch name {
            case "OWNER_TYPE_ID", "=OWNER_TYPE_ID":
                ownerType = BitrixValue.text(value).flatMap(Int.init).flatMap(BitrixEntity.owner(typeID:))
                guard let ownerType else { throw .core("Filter \(name): an owner type 1–4 expected") }
                filter["entityType"] = .string(ownerType.crmd)
            case "OWNER_ID", "=OWNER_ID":
                guard let id = BitrixValue.id(value) else { throw .core("Filter \(name): an id expected") }
                filter["entityId"] = .int(id)
            case "RESPONSIBLE_ID", "=RESPONSIBLE_ID":
                guard let id = BitrixValue.id(value) else { throw .core("Filter \(name): a user id expected") }
                filter["responsibleId"] = .int(id)
            case "TYPE_ID", "=TYPE_ID":
                guard let type = BitrixValue.text(value).flatMap({ Self.types[$0] }) else { throw .core("Filter \(name): 1, 2 or 3 expected") }
                filter["type"] = .string(type)
            case "COMPLETED", "=COMPLETED":
                guard let flag = BitrixValue.flag(value) else { throw .core("Filter \(name): Y or N expected") }
                filter["status"] = flag ? ["completed", "cancelled"] : "planned"
            default:
                throw .core("Filter \(name): crmd's activity list filters by OWNER_TYPE_ID with OWNER_ID, RESPONSIBLE_ID, TYPE_ID and COMPLETED only")
            }
        }
        guard (filter["entityType"] == nil) == (filter["entityId"] == nil) else {
            throw .core("Filter: OWNER_TYPE_ID and OWNER_ID go together")
        }
        var items: [JSON] = []
        var cursor: JSON = .null
        repeat {
            var query: [String: JSON] = ["limit": 500, "filter": .object(filter)]
            if !cursor.isNull { query["cursor"] = cursor }
            let page = try session.call("activity.list", .object(query))
            items += page["items"]?.arrayValue ?? []
            cursor = page["next"] ?? .null
        } while !cursor.isNull
        if let order = parameters["order"]?.objectValue, !order.isEmpty {
            guard order.count == 1, let (key, direction) = order.first, key.uppercased() == "ID",
                  let text = BitrixValue.text(direction)?.uppercased(), text == "ASC" || text == "DESC" else {
                throw .core("crmd's activity list orders by ID (ASC or DESC) only")
            }
            items.sort { ($0["id"]?.int64Value ?? 0) < ($1["id"]?.int64Value ?? 0) }
            if text == "DESC" { items.reverse() }
        }
        let start = max(0, parameters["start"].flatMap(BitrixValue.text).flatMap { Int($0) } ?? 0)
        let page = items.dropFirst(start).prefix(BitrixListMethod.pageSize)
        let next = start + BitrixListMethod.pageSize < items.count ? start + BitrixListMethod.pageSize : nil
        return BitrixReply(result: .array(page.map(bitrix)), total: items.count, next: next)
    }
}
