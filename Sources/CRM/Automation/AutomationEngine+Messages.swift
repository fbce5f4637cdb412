import JSONKit
import Storage

/// The robots' text messages and webhooks: queued in the robot's transaction, delivered after it.
extension AutomationEngine {
    /// Queues the text in the SMS outbox. To the client: a lead's own first phone, a deal's
    /// contact's (else its company's), an invoice's payer's; to the responsible: the phone in
    /// their profile. With no phone the timeline says why and the run is skipped; a number the
    /// outbox refuses throws, so the run fails and is tried again (the number may be put right).
    static func sms(_ db: Database, crm: CRM, to: AutomationAction.PhoneRecipient, text: String, entity: EntityType, id: Int64,
                    ruleID: Int64) throws -> RobotRun {
        let robot = Caller.system(.robot(ruleID: ruleID))
        let record = try loaded(db, crm: crm, entity: entity, id: id)
        let client = try smsClient(db, entity: entity, id: id, record: record)
        var phone: String?
        switch to {
        case .client:
            if let client { phone = try RecordService.loadJSON(db, client.type.descriptor, client.id)?["phones"]?.arrayValue?.first?["value"]?.stringValue }
        case .responsible:
            let responsible = entity == .invoice ? try InvoiceStore.dealID(db, id).flatMap { try RecordService.loadJSON(db, .deal, $0)?["assignedTo"]?.int64Value }
                : record["assignedTo"]?.int64Value
            phone = try responsible.flatMap { try UserStore.fetch(db, $0)?.phone }.flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let phone else {
            let why = to == .client ? (client == nil ? "нет клиента" : "нет телефона у клиента") : "нет телефона у ответственного"
            try crm.apply(Change(ChangeEntity(entity), id: .int(id), .commented, by: robot, at: crm.nowText,
                                 data: ["text": .string("Робот не отправил SMS: \(why)"), "ruleId": .int(ruleID)]), in: db)
            return .skipped(why)
        }
        let message = try crm.sms.enqueue(db, to: phone, text: text, record: client, by: robot,
                                          data: ["ruleId": .int(ruleID), "about": ["entityType": .string(entity.rawValue), "id": .int(id)]])
        return .queued(["smsId": message["id"] ?? .null, "to": message["to"] ?? .string(phone)])
    }

    /// The record as `get` shows it (an invoice with its payer and totals).
    static func loaded(_ db: Database, crm: CRM, entity: EntityType, id: Int64) throws -> JSON {
        if entity == .invoice { return try crm.invoices.invoice(db, id) }
        return try RecordService.loadJSON(db, entity.descriptor, id) ?? .null
    }

    /// The lead, contact or company an SMS about the record is sent to (and shown on).
    private static func smsClient(_ db: Database, entity: EntityType, id: Int64, record: JSON) throws -> RecordRef? {
        switch entity {
        case .lead, .contact, .company:
            return RecordRef(entity, id)
        case .deal:
            if let contact = record["contactId"]?.int64Value { return RecordRef(.contact, contact) }
            return record["companyId"]?.int64Value.map { RecordRef(.company, $0) }
        case .invoice:
            guard let type = record["payer"]?["entityType"]?.stringValue.flatMap(EntityType.init(rawValue:)), [.contact, .company].contains(type),
                  let payer = record["payer"]?["id"]?.int64Value else { return nil }
            return RecordRef(type, payer)
        case .product:
            return nil
        }
    }

    /// Queues the POST of this run in the robots' webhook outbox; the background jobs deliver it.
    static func webhook(_ db: Database, crm: CRM, url: String, secret: String, entity: EntityType, id: Int64, trigger: String,
                        ruleID: Int64) throws -> RobotRun {
        let record = try loaded(db, crm: crm, entity: entity, id: id)
        let body: JSON = ["ruleId": .int(ruleID), "entityType": .string(entity.rawValue), "id": .int(id), "trigger": .string(trigger),
                          "at": .string(crm.nowText), "record": record]
        let delivery = try AutomationLogStore.insertWebhook(db, ruleID: ruleID, entityType: entity.rawValue, entityID: id, trigger: trigger,
                                                            url: url, secret: secret, body: body.text, now: crm.clock.now(), at: crm.nowText)
        return .queued(["webhookDeliveryId": .int(delivery), "url": .string(url)])
    }
}
