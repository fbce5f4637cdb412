import Foundation
import JSONKit
import Mail
import Storage

/// The actions robots carry out (`AutomationAction`), each saying what came of it for the log.
extension AutomationEngine {
    /// Carries out one rule's action on one record and says what came of it; an action that
    /// cannot be carried out throws, for `execute` to undo it alone and try it again later.
    static func perform(_ db: Database, crm: CRM, ruleID: Int64, action: AutomationAction, entity: EntityType, id: Int64,
                        trigger: String) throws -> RobotRun {
        let robot = Caller.system(.robot(ruleID: ruleID))
        func render(_ template: String) throws -> String { try RecordTemplate.render(template, db: db, entity: entity, id: id) }
        switch action {
        case .comment(let template):
            try crm.apply(Change(ChangeEntity(entity), id: .int(id), .commented, by: robot, at: crm.nowText,
                                 data: ["text": .string(try render(template)), "ruleId": .int(ruleID)]), in: db)
            return .done()
        case .notify(let to, let template):
            let userID: Int64?
            switch to {
            case .responsible: userID = try RecordService.loadJSON(db, entity.descriptor, id)?["assignedTo"]?.int64Value
            case .user(let id): userID = id
            }
            // Nobody to tell (no responsible, a user gone or inactive): the robot does nothing.
            guard let userID, try UserStore.exists(db, userID) else { return .skipped("nobody to tell") }
            try NotificationService.notify(db, crm: crm, userID: userID, kind: "robot", text: try render(template), record: RecordRef(entity, id),
                                           data: ["ruleId": .int(ruleID)])
            return .done(["userId": .int(userID)])
        case .setField(let field, let value):
            return try setField(db, crm: crm, field: field, value: value, entity: entity, id: id, ruleID: ruleID)
        case .email(let to, let subject, let text):
            return try email(db, crm: crm, to: to, subject: try render(subject), text: try render(text), entity: entity, id: id, ruleID: ruleID)
        case .activity(let type, let subject, let description, let after, let duration):
            return try createActivity(db, crm: crm, type: type, subject: try render(subject), description: try description.map(render),
                                      after: after, duration: duration, entity: entity, id: id, ruleID: ruleID)
        case .task(let subject, let description, let after):
            return try createActivity(db, crm: crm, type: .task, subject: try render(subject), description: try description.map(render),
                                      after: after, duration: 900, entity: entity, id: id, ruleID: ruleID)
        case .sms(let to, let text):
            return try sms(db, crm: crm, to: to, text: try render(text), entity: entity, id: id, ruleID: ruleID)
        case .webhook(let url, let secret):
            return try webhook(db, crm: crm, url: url, secret: secret, entity: entity, id: id, trigger: trigger, ruleID: ruleID)
        case .moveDeal(let stage, let whenAllPaid):
            guard entity == .invoice, let dealID = try InvoiceStore.dealID(db, id) else { return .skipped("the invoice has no deal") }
            if whenAllPaid, try !InvoiceStore.everyInvoicePaid(db, dealID: dealID) { return .skipped("not every invoice of the deal is paid") }
            return try moveDeal(db, crm: crm, dealID: dealID, into: stage, ruleID: ruleID, invoiceID: id)
        }
    }

    /// Moves the deal unless it is there already. A move the stage refuses (required fields the
    /// deal lacks, a stage its pipeline does not have) does not undo the payment or status change
    /// that triggered it: the deal stays, and its timeline and responsible are told why.
    static func moveDeal(_ db: Database, crm: CRM, dealID: Int64, into stage: String, ruleID: Int64, invoiceID: Int64) throws -> RobotRun {
        let deals = crm.records(.deal)
        guard let deal = try RecordService.loadJSON(db, EntityDescriptor.deal, dealID) else { return .skipped("the deal is gone") }
        if deal["stageId"]?.stringValue == stage { return .skipped("the deal is at \(stage) already") }
        let robot = Caller.system(.robot(ruleID: ruleID))
        let problem: String
        var facts: [String: JSON] = ["ruleId": .int(ruleID), "invoiceId": .int(invoiceID), "stageId": .string(stage)]
        do {
            _ = try deals.change(db, id: dealID, fields: ["stageId": .string(stage)], by: robot,
                                 data: ["ruleId": .int(ruleID), "invoiceId": .int(invoiceID)])
            return .done(["dealId": .int(dealID), "stageId": .string(stage)])
        } catch CRMError.requiredFieldsMissing(_, _, _, let missing) {
            problem = "не заполнены поля: " + missing.map(\.title).joined(separator: ", ")
            facts["missing"] = .array(missing.map { .string($0.field) })
        } catch CRMError.invalidValue(_, _, let message) {
            problem = message
        } catch CRMError.notFound(let type, let id) {
            problem = "нет \(type) \(id)"
        }
        let text = "Робот не перевёл сделку на этап «\(stage)» после оплаты счёта: \(problem)"
        try crm.apply(Change(.deal, id: .int(dealID), .commented, by: robot, at: crm.nowText,
                             data: facts.merging(["text": .string(text)]) { a, _ in a }), in: db)
        if let responsible = deal["assignedTo"]?.int64Value {
            try NotificationService.notify(db, crm: crm, userID: responsible, kind: "robot", text: text, record: RecordRef(.deal, dealID),
                                           data: facts)
        }
        return .failed(problem, ["dealId": .int(dealID)])
    }

    /// Queues the e-mail in the outbox, in the robot's transaction, and tells the record's
    /// timeline (`queued`). With no address to write to (a payer without an e-mail, a
    /// responsible without one, no sender in the settings) nothing is sent: the timeline says why,
    /// and the change that woke the robot stands.
    static func email(_ db: Database, crm: CRM, to: AutomationAction.MailRecipient, subject: String, text: String,
                              entity: EntityType, id: Int64, ruleID: Int64) throws -> RobotRun {
        let robot = Caller.system(.robot(ruleID: ruleID))
        let record = try RecordService.loadJSON(db, entity.descriptor, id) ?? .null
        var address: MailAddress?
        switch to {
        case .payer:
            address = entity == .invoice ? try InvoiceService.payerAddress(db, record["payer"] ?? .null) : nil
        case .responsible:
            if let user = record["assignedTo"]?.int64Value, let email = try UserStore.fetch(db, user)?.email {
                address = MailAddress.parse(email).flatMap { $0.isValid ? $0 : nil }
            }
        }
        let from = (try SettingsService.load(db))["mail"]?["from"]?.stringValue.flatMap(MailAddress.parse).flatMap { $0.isValid ? $0 : nil }
        guard let address, let from else {
            let why = address == nil ? "нет адреса e-mail (\(to == .payer ? "у плательщика" : "у ответственного"))" : "не задан адрес отправителя (settings.mail.from)"
            try crm.apply(Change(ChangeEntity(entity), id: .int(id), .commented, by: robot, at: crm.nowText,
                                 data: ["text": .string("Робот не отправил письмо «\(subject)»: \(why)"), "ruleId": .int(ruleID)]), in: db)
            return .skipped(why)
        }
        let now = crm.clock.now()
        let message = MailMessage(from: from, to: [address], cc: [], subject: subject, textBody: text + "\n", attachments: [],
                                  messageID: "<robot-\(ruleID)-\(entity.rawValue)-\(id)-\(UUID().uuidString.lowercased())@crmd>",
                                  date: Date(timeIntervalSince1970: Double(now)))
        let outboxID = try OutboxStore.enqueue(db, invoiceID: entity == .invoice ? id : nil, mode: "robot", message: message, at: now)
        try crm.apply(Change(ChangeEntity(entity), id: .int(id), .queued, by: robot, at: crm.nowText,
                             data: ["messageId": .int(outboxID), "to": .string(address.address), "mode": "robot", "ruleId": .int(ruleID)]),
                      in: db)
        return .queued(["messageId": .int(outboxID), "to": .string(address.address)])
    }

    /// Creates the task or call for the record's responsible (S7). A record without one, or a
    /// call on time the responsible has taken, gets a comment saying so instead.
    static func createActivity(_ db: Database, crm: CRM, type: Activity.Kind, subject: String, description: String?, after: Int64,
                                       duration: Int64, entity: EntityType, id: Int64, ruleID: Int64) throws -> RobotRun {
        var target = RecordRef(entity, id)
        if entity == .invoice {
            guard let deal = try InvoiceStore.dealID(db, id) else { return .skipped("the invoice has no deal") }
            target = RecordRef(.deal, deal)
        }
        let robot = Caller.system(.robot(ruleID: ruleID))
        let record = try RecordService.loadJSON(db, target.type.descriptor, target.id) ?? .null
        let problem: String
        if let responsible = record["assignedTo"]?.int64Value, try UserStore.isActive(db, responsible) == true {
            let now = crm.clock.now()
            var activity = Activity(type: type, subject: subject, description: description, responsibleID: responsible, createdAt: crm.nowText,
                                    updatedAt: crm.nowText)
            activity.bindings = [target]
            if type == .task {
                activity.deadline = now + after
            } else {
                (activity.start, activity.end) = (now + after, now + after + duration)
            }
            if [.lead, .contact].contains(target.type) { activity.clientContacts = [target] }
            if target.type == .deal, let contact = record["contactId"]?.int64Value { activity.clientContacts = [RecordRef(.contact, contact)] }
            do {
                let created = try crm.activities.create(db, activity, by: robot, allowOutsideHours: true)
                return .done(["activityId": .int(created.id)])
            } catch CRMError.conflict(let reason, _) where reason == "slotBusy" {
                problem = "у ответственного занято это время"
            }
        } else {
            problem = "у записи нет ответственного"
        }
        try crm.apply(Change(ChangeEntity(target.type), id: .int(target.id), .commented, by: robot, at: crm.nowText,
                             data: ["text": .string("Робот не создал \(type == .task ? "задачу" : "звонок") «\(subject)»: \(problem)"),
                                    "ruleId": .int(ruleID)]), in: db)
        return .failed(problem)
    }

    /// Sets the field through the record's own update. A value the field refuses (or a record
    /// gone) leaves it, the change that woke the robot standing, and the timeline says why.
    static func setField(_ db: Database, crm: CRM, field: String, value: JSON, entity: EntityType, id: Int64,
                                 ruleID: Int64) throws -> RobotRun {
        var target = (entity, id)
        if entity == .invoice {
            guard let deal = try InvoiceStore.dealID(db, id) else { return .skipped("the invoice has no deal") }
            target = (.deal, deal)
        }
        let fields: [String: JSON] = field.hasPrefix("custom.") ? ["custom": [String(field.dropFirst(7)): value]] : [field: value]
        let robot = Caller.system(.robot(ruleID: ruleID))
        let problem: String
        do {
            _ = try crm.records(target.0).change(db, id: target.1, fields: fields, by: robot, data: ["ruleId": .int(ruleID)])
            return .done(["entityType": .string(target.0.rawValue), "id": .int(target.1)])
        } catch CRMError.invalidValue(_, _, let message) {
            problem = message
        } catch CRMError.invalidParams(let problems) {
            problem = problems.map(\.message).joined(separator: "; ")
        } catch CRMError.requiredFieldsMissing(_, _, _, let missing) {
            problem = "не заполнены поля: " + missing.map(\.title).joined(separator: ", ")
        } catch CRMError.notFound {
            return .skipped("the record is gone")
        }
        try crm.apply(Change(ChangeEntity(target.0), id: .int(target.1), .commented, by: robot, at: crm.nowText,
                             data: ["text": .string("Робот не изменил поле \(field): \(problem)"), "ruleId": .int(ruleID)]), in: db)
        return .failed(problem)
    }
}
