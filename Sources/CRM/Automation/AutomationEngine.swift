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
        let rules = try db.query("""
            SELECT id, delay_seconds, action, trigger FROM automation_rules
            WHERE entity_type = ? AND active = 1 AND (pipeline_id IS NULL OR pipeline_id = ?)
              AND (stage_id = ? OR stage_id IS NULL) AND trigger IN (?, ?) ORDER BY id
            """, [.text(entity.rawValue), .integer(pipelineId), .text(stageId), .text(triggers[0]), .text(triggers.last!)])
        let now = crm.clock.now()
        for rule in rules {
            let ruleID = try rule.int64("id")
            let delay = try rule.int64("delay_seconds")
            if delay > 0 {
                let payload: JSON = ["ruleId": .int(ruleID), "entityType": .string(entity.rawValue), "id": .int(id)]
                try db.execute("INSERT INTO scheduled_jobs (run_at, kind, payload, created_at) VALUES (?, 'automation', ?, ?)",
                               [.integer(now + delay), .text(payload.text), .text(Timestamp.format(now))])
            } else {
                try perform(db, crm: crm, ruleID: ruleID, action: try rule.text("action"), entity: entity, id: id)
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
        }
    }
}
