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
            let trigger = try rule.trigger()
            if let condition = try rule.condition(entity) {
                if loaded == nil { loaded = try record() }
                guard condition.holds(for: loaded ?? .null) else {
                    let type = (try? AutomationAction.stored(try rule.action()).type) ?? ""
                    try log(db, crm: crm, ruleID: rule.id, entity: entity, id: id, trigger: trigger, action: type,
                            .skipped("condition false"), attempt: 1)
                    continue
                }
            }
            if rule.delay > 0 {
                try AutomationStore.insertAutomationJob(db, runAt: now + rule.delay, ruleID: rule.id, entity: entity, id: id,
                                                        trigger: trigger, attempt: 1, at: Timestamp.format(now))
            } else {
                try execute(db, crm: crm, ruleID: rule.id, action: try rule.action(), entity: entity, id: id, trigger: trigger, attempt: 1)
            }
        }
    }

    /// How many times an action that fails is tried, the first included.
    static let maxAttempts: Int64 = 5
    /// Seconds before the first retry of a failed action; each further one waits twice as long.
    static let firstRetryDelay: Int64 = 30

    /// Runs one rule's action on one record in its own savepoint and logs what came of it. An
    /// action that fails (anything but a storage error or unreadable stored data) is undone alone
    /// — never the write that woke it — logged `failed`, and tried again by a scheduled job,
    /// 30 s later and twice as long each time, up to `maxAttempts` tries.
    static func execute(_ db: Database, crm: CRM, ruleID: Int64, action text: String?, entity: EntityType, id: Int64,
                        trigger: String, attempt: Int64) throws {
        let action = try StoredData.read("automation_rules", ruleID) {
            guard let text else { throw StoredData.Problem("action: missing") }
            return try AutomationAction.stored(text)
        }
        let run: RobotRun
        do {
            run = try db.withSavepoint("crmd_robot") {
                try perform(db, crm: crm, ruleID: ruleID, action: action, entity: entity, id: id, trigger: trigger)
            }
        } catch let error as SQLiteError {
            throw error
        } catch let error as StoredDataError {
            throw error
        } catch {
            var data: [String: JSON] = [:]
            if attempt < maxAttempts {
                let retryAt = crm.clock.now() + firstRetryDelay << (attempt - 1)
                try AutomationStore.insertAutomationJob(db, runAt: retryAt, ruleID: ruleID, entity: entity, id: id, trigger: trigger,
                                                        attempt: attempt + 1, at: crm.nowText)
                data["retryAt"] = .string(Timestamp.format(retryAt))
            } else {
                data["gaveUp"] = true
            }
            try log(db, crm: crm, ruleID: ruleID, entity: entity, id: id, trigger: trigger, action: action.type,
                    .failed(describe(error), data), attempt: attempt)
            return
        }
        try log(db, crm: crm, ruleID: ruleID, entity: entity, id: id, trigger: trigger, action: action.type, run, attempt: attempt)
    }

    /// Records a run in the robot log.
    static func log(_ db: Database, crm: CRM, ruleID: Int64, entity: EntityType, id: Int64, trigger: String, action: String,
                    _ run: RobotRun, attempt: Int64) throws {
        try AutomationLogStore.insert(db, ruleID: ruleID, entityType: entity.rawValue, entityID: id, trigger: trigger, action: action,
                                      run: run, attempt: attempt, at: crm.nowText)
    }

    /// An action's error as the log shows it: the message a client would get.
    static func describe(_ error: any Error) -> String {
        switch error {
        case CRMError.invalidValue(let field, _, let message): "\(field): \(message)"
        case CRMError.notFound(let type, let id): "no \(type) \(id.text)"
        case CRMError.conflict(let reason, _): reason
        case CRMError.forbidden(let reason): reason
        case CRMError.invalidParams(let problems): problems.map(\.message).joined(separator: "; ")
        default: String(describing: error)
        }
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

}
