import Foundation
import JSONKit
import Mail
import Storage

/// Runs robots: those of a stage when a lead or deal is created in it or enters it (S6, S13),
/// and those of an invoice status when an invoice's status becomes it (S27, S28). A rule with a
/// condition runs only when its record meets it as the trigger fires. Immediate actions run
/// inside the transaction of the change that triggered them, so a refused change triggers
/// nothing; delayed ones become jobs in `scheduled_jobs`, which survive restarts and run when
/// the clock reaches them.
enum AutomationEngine {
    enum Trigger: String {
        case create, enter, status, dueIn, idle
    }

    /// The statuses an invoice robot may wait for. `overdue` is not stored (it is how `get`
    /// shows a sent invoice past its due date): its robots act when the date passes.
    static let invoiceStatuses = ["sent", "partiallyPaid", "paid", "cancelled", "overdue"]

    /// Runs the invoice robots on dates that have come (`runDates`): `dueIn` N days before an
    /// unpaid invoice's due date (from N days before through the due date itself), and
    /// `status: overdue` once the date has passed — for invoices due from the day before the
    /// rule was made on, so a new rule does not act on every invoice that was overdue long
    /// before it. Each rule acts once per invoice (`automation_fired`); up to `limit` invoices a
    /// rule per call. Returns how many acted.
    static func runDates(_ db: Database, crm: CRM, limit: Int) throws -> Int {
        let rules = try AutomationStore.dateRules(db)
        if rules.isEmpty { return 0 }
        let zone = CompanyTime.zone(try SettingsService.load(db))
        guard let today = Timestamp.parseDate(CompanyTime.today(at: crm.clock.now(), in: zone)) else { return 0 }
        var acted = 0
        for date in rules {
            let from: Int64, through: Int64
            if let days = date.days {
                (from, through) = (today, today + days)
            } else {
                let made = Timestamp.parse(date.createdAt).flatMap { Timestamp.parseDate(CompanyTime.today(at: $0, in: zone)) } ?? today
                (from, through) = (made - 1, today - 1)
            }
            if through < from { continue }
            let ids = try AutomationStore.unpaidInvoices(db, dueFrom: Timestamp.formatDate(days: from), through: Timestamp.formatDate(days: through),
                                                         notFiredBy: date.rule.id, limit: limit)
            for id in ids {
                try AutomationStore.markFired(db, ruleID: date.rule.id, invoiceID: id, at: crm.nowText)
                try run([date.rule], db: db, crm: crm, entity: .invoice, id: id) { try crm.invoices.invoice(db, id) }
                acted += 1
            }
        }
        return acted
    }

    /// Called after a record of a staged entity was written at `stageId`.
    static func recordPlaced(_ db: Database, crm: CRM, entity: EntityType, id: Int64, pipelineId: Int64, stageId: String,
                             created: Bool) throws {
        let triggers = created ? ["create", "enter"] : ["enter"]
        let rules = try AutomationStore.rules(db, placing: entity, pipelineId: pipelineId, stageId: stageId, triggers: triggers)
        try run(rules, db: db, crm: crm, entity: entity, id: id) { try RecordService.loadJSON(db, entity.descriptor, id) ?? .null }
    }

    /// Called after an invoice's stored status became `status`.
    static func invoiceStatusChanged(_ db: Database, crm: CRM, id: Int64, status: String) throws {
        let rules = try AutomationStore.rules(db, invoiceStatus: status)
        try run(rules, db: db, crm: crm, entity: .invoice, id: id) { try crm.invoices.invoice(db, id) }
    }

    private static func run(_ rules: [AutomationStore.PlacedRule], db: Database, crm: CRM, entity: EntityType, id: Int64,
                            record: () throws -> JSON) throws {
        if rules.isEmpty { return }
        let now = crm.clock.now()
        var loaded: JSON?
        for rule in rules {
            if let condition = try rule.condition(entity) {
                if loaded == nil { loaded = try record() }
                guard condition.holds(for: loaded ?? .null) else { continue }
            }
            if rule.delay > 0 {
                try AutomationStore.insertAutomationJob(db, runAt: now + rule.delay, ruleID: rule.id, entity: entity, id: id,
                                                        at: Timestamp.format(now))
            } else {
                try perform(db, crm: crm, ruleID: rule.id, action: try rule.action(), entity: entity, id: id)
            }
        }
    }

    /// Carries out one rule's action on one record. A stored action that cannot be read throws
    /// `StoredDataError` before anything is written: the robot is reported, never skipped silently.
    static func perform(_ db: Database, crm: CRM, ruleID: Int64, action text: String?, entity: EntityType, id: Int64) throws {
        let action = try StoredData.read("automation_rules", ruleID) {
            guard let text else { throw StoredData.Problem("action: missing") }
            return try AutomationAction.stored(text)
        }
        let robot = Caller.system(.robot(ruleID: ruleID))
        switch action {
        case .comment(let template):
            let body = try RecordTemplate.render(template, db: db, entity: entity, id: id)
            try crm.apply(Change(ChangeEntity(entity), id: .int(id), .commented, by: robot, at: crm.nowText,
                                 data: ["text": .string(body), "ruleId": .int(ruleID)]), in: db)
        case .notify(let to, let template):
            let userID: Int64?
            switch to {
            case .responsible: userID = try RecordService.loadJSON(db, entity.descriptor, id)?["assignedTo"]?.int64Value
            case .user(let id): userID = id
            }
            // Nobody to tell (no responsible, a user gone or inactive): the robot does nothing.
            guard let userID, try UserStore.exists(db, userID) else { return }
            let body = try RecordTemplate.render(template, db: db, entity: entity, id: id)
            try NotificationService.notify(db, crm: crm, userID: userID, kind: "robot", text: body, record: RecordRef(entity, id),
                                           data: ["ruleId": .int(ruleID)])
        case .setField(let field, let value):
            try setField(db, crm: crm, field: field, value: value, entity: entity, id: id, ruleID: ruleID)
        case .email(let to, let subject, let text):
            try email(db, crm: crm, to: to, subject: try RecordTemplate.render(subject, db: db, entity: entity, id: id),
                      text: try RecordTemplate.render(text, db: db, entity: entity, id: id), entity: entity, id: id, ruleID: ruleID)
        case .activity(let type, let subject, let description, let after, let duration):
            try createActivity(db, crm: crm, type: type, subject: try RecordTemplate.render(subject, db: db, entity: entity, id: id),
                               description: try description.map { try RecordTemplate.render($0, db: db, entity: entity, id: id) },
                               after: after, duration: duration, entity: entity, id: id, ruleID: ruleID)
        case .moveDeal(let stage, let whenAllPaid):
            guard entity == .invoice, let dealID = try InvoiceStore.dealID(db, id) else { return }
            if whenAllPaid, try !InvoiceStore.everyInvoicePaid(db, dealID: dealID) { return }
            try moveDeal(db, crm: crm, dealID: dealID, into: stage, ruleID: ruleID, invoiceID: id)
        }
    }

    /// Moves the deal unless it is there already. A move the stage refuses (required fields the
    /// deal lacks, a stage its pipeline does not have) does not undo the payment or status change
    /// that triggered it: the deal stays, and its timeline and responsible are told why.
    private static func moveDeal(_ db: Database, crm: CRM, dealID: Int64, into stage: String, ruleID: Int64, invoiceID: Int64) throws {
        let deals = crm.records(.deal)
        guard let deal = try RecordService.loadJSON(db, EntityDescriptor.deal, dealID), deal["stageId"]?.stringValue != stage else { return }
        let robot = Caller.system(.robot(ruleID: ruleID))
        let problem: String
        var facts: [String: JSON] = ["ruleId": .int(ruleID), "invoiceId": .int(invoiceID), "stageId": .string(stage)]
        do {
            _ = try deals.change(db, id: dealID, fields: ["stageId": .string(stage)], by: robot,
                                 data: ["ruleId": .int(ruleID), "invoiceId": .int(invoiceID)])
            return
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
    }

    /// Queues the e-mail in the outbox, in the robot's transaction, and tells the record's
    /// timeline (`queued`). With no address to write to (a payer without an e-mail, a
    /// responsible without one, no sender in the settings) nothing is sent: the timeline says why,
    /// and the change that woke the robot stands.
    private static func email(_ db: Database, crm: CRM, to: AutomationAction.MailRecipient, subject: String, text: String,
                              entity: EntityType, id: Int64, ruleID: Int64) throws {
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
            return
        }
        let now = crm.clock.now()
        let message = MailMessage(from: from, to: [address], cc: [], subject: subject, textBody: text + "\n", attachments: [],
                                  messageID: "<robot-\(ruleID)-\(entity.rawValue)-\(id)-\(UUID().uuidString.lowercased())@crmd>",
                                  date: Date(timeIntervalSince1970: Double(now)))
        let outboxID = try OutboxStore.enqueue(db, invoiceID: entity == .invoice ? id : nil, mode: "robot", message: message, at: now)
        try crm.apply(Change(ChangeEntity(entity), id: .int(id), .queued, by: robot, at: crm.nowText,
                             data: ["messageId": .int(outboxID), "to": .string(address.address), "mode": "robot", "ruleId": .int(ruleID)]),
                      in: db)
    }

    /// Creates the task or call for the record's responsible (S7). A record without one, or a
    /// call on time the responsible has taken, gets a comment saying so instead.
    private static func createActivity(_ db: Database, crm: CRM, type: Activity.Kind, subject: String, description: String?, after: Int64,
                                       duration: Int64, entity: EntityType, id: Int64, ruleID: Int64) throws {
        var target = RecordRef(entity, id)
        if entity == .invoice {
            guard let deal = try InvoiceStore.dealID(db, id) else { return }
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
                _ = try crm.activities.create(db, activity, by: robot, allowOutsideHours: true)
                return
            } catch CRMError.conflict(let reason, _) where reason == "slotBusy" {
                problem = "у ответственного занято это время"
            }
        } else {
            problem = "у записи нет ответственного"
        }
        try crm.apply(Change(ChangeEntity(target.type), id: .int(target.id), .commented, by: robot, at: crm.nowText,
                             data: ["text": .string("Робот не создал \(type == .task ? "задачу" : "звонок") «\(subject)»: \(problem)"),
                                    "ruleId": .int(ruleID)]), in: db)
    }

    /// Runs the idle robots (S7): a lead or deal that has stayed in the rule's stage `days`
    /// days with nothing on its timeline and no planned activity gets the rule's action, once
    /// per quiet spell (a new entry on its timeline starts another). Up to `limit` records a
    /// rule per call; returns how many acted.
    static func runIdle(_ db: Database, crm: CRM, limit: Int) throws -> Int {
        var acted = 0
        for rule in try AutomationStore.idleRules(db) {
            let cutoff = Timestamp.format(crm.clock.now() - rule.days * 86_400)
            for record in try AutomationStore.idleRecords(db, rule: rule, quietSince: cutoff, limit: limit) {
                try AutomationStore.markIdleFired(db, ruleID: rule.rule.id, entity: rule.entity, id: record.id, since: record.since, at: crm.nowText)
                try run([rule.rule], db: db, crm: crm, entity: rule.entity, id: record.id) {
                    try RecordService.loadJSON(db, rule.entity.descriptor, record.id) ?? .null
                }
                acted += 1
            }
        }
        return acted
    }

    /// Sets the field through the record's own update. A value the field refuses (or a record
    /// gone) leaves it, the change that woke the robot standing, and the timeline says why.
    private static func setField(_ db: Database, crm: CRM, field: String, value: JSON, entity: EntityType, id: Int64,
                                 ruleID: Int64) throws {
        var target = (entity, id)
        if entity == .invoice {
            guard let deal = try InvoiceStore.dealID(db, id) else { return }
            target = (.deal, deal)
        }
        let fields: [String: JSON] = field.hasPrefix("custom.") ? ["custom": [String(field.dropFirst(7)): value]] : [field: value]
        let robot = Caller.system(.robot(ruleID: ruleID))
        let problem: String
        do {
            _ = try crm.records(target.0).change(db, id: target.1, fields: fields, by: robot, data: ["ruleId": .int(ruleID)])
            return
        } catch CRMError.invalidValue(_, _, let message) {
            problem = message
        } catch CRMError.invalidParams(let problems) {
            problem = problems.map(\.message).joined(separator: "; ")
        } catch CRMError.requiredFieldsMissing(_, _, _, let missing) {
            problem = "не заполнены поля: " + missing.map(\.title).joined(separator: ", ")
        } catch CRMError.notFound {
            return
        }
        try crm.apply(Change(ChangeEntity(target.0), id: .int(target.1), .commented, by: robot, at: crm.nowText,
                             data: ["text": .string("Робот не изменил поле \(field): \(problem)"), "ruleId": .int(ruleID)]), in: db)
    }
}
