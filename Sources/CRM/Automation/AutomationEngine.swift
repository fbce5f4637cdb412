import JSONKit
import Storage

/// Runs the robots of a stage when a record is created in it or enters it (S6, S13, S27).
/// Immediate actions run inside the transaction of the change that triggered them, so a
/// refused change triggers nothing; delayed ones become jobs in `scheduled_jobs`, which
/// survive restarts and run when the clock reaches them.
enum AutomationEngine {
    enum Trigger: String {
        case create, enter
    }

    /// Called after a record of a staged entity was written at `stageId`.
    static func recordPlaced(_ db: Database, crm: CRM, entity: EntityType, id: Int64, pipelineId: Int64, stageId: String,
                             created: Bool) throws {
        let triggers = created ? ["create", "enter"] : ["enter"]
        let rules = try AutomationStore.rules(db, placing: entity, pipelineId: pipelineId, stageId: stageId, triggers: triggers)
        let now = crm.clock.now()
        for rule in rules {
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
        switch action {
        case .comment(let template):
            let body = try RecordTemplate.render(template, db: db, entity: entity, id: id)
            try crm.apply(Change(ChangeEntity(entity), id: .int(id), .commented, by: .system(.robot(ruleID: ruleID)), at: crm.nowText,
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
        }
    }
}
