import JSONKit
import Storage

/// The SQL of robots: their rules (`automation_rules`) and the delayed runs waiting in
/// `scheduled_jobs`. Stored rules and job payloads are read strictly.
enum AutomationStore {
    /// A rule as stored; its action is checked to be one crmd can carry out.
    struct Rule {
        var id: Int64
        var entityType: EntityType
        var pipelineID: Int64?
        var stageID: String?
        var trigger: AutomationEngine.Trigger
        var delay: Int64
        var action: JSON
        var title: String?
        var active: Bool
        var createdAt: String
        var condition: JSON?
        var days: Int64?
    }

    /// An active rule that applies to a record placed at a stage. Its action is read only when
    /// it runs now; a delayed rule's action is read when its job runs.
    struct PlacedRule {
        let id: Int64
        let delay: Int64
        fileprivate let row: Row

        func action() throws -> String { try row.text("action") }
        func trigger() throws -> String { try row.text("trigger") }

        /// The rule's condition on a record of `entity`, nil when it has none.
        func condition(_ entity: EntityType) throws -> AutomationCondition? {
            guard let text = try row.optionalText("condition") else { return nil }
            return try StoredData.read("automation_rules", id) { try AutomationCondition(try StoredData.json(text, "condition"), entity: entity.descriptor) }
        }
    }

    /// A job whose time has come.
    struct ScheduledJob {
        let id: Int64
        fileprivate let row: Row

        /// The rule and activity of a `reminder` job; nil for a job of another kind.
        func reminderTarget() throws -> (ruleID: Int64, activityID: Int64)? {
            try StoredData.read("scheduled_jobs", id) {
                guard try row.text("kind") == "reminder" else { return nil }
                let payload = try StoredData.object(try row.text("payload"), "payload")
                guard let ruleID = payload["ruleId"]?.int64Value, let activityID = payload["activityId"]?.int64Value else {
                    throw StoredData.Problem("payload: no integer ruleId and activityId")
                }
                return (ruleID, activityID)
            }
        }

        /// The rule, record type and record of an `automation` job, read strictly from its payload;
        /// the trigger that planned it and which try it is (a job planned before the robot log
        /// kept these: `delay`, the first).
        func automationTarget() throws -> (ruleID: Int64, entity: EntityType, id: Int64, trigger: String, attempt: Int64) {
            try StoredData.read("scheduled_jobs", id) {
                let kind = try row.text("kind")
                guard kind == "automation" else { throw StoredData.Problem("kind: unknown job kind '\(kind)'") }
                let payload = try StoredData.object(try row.text("payload"), "payload")
                guard let ruleID = payload["ruleId"]?.int64Value else { throw StoredData.Problem("payload: no integer ruleId") }
                guard let type = payload["entityType"]?.stringValue else { throw StoredData.Problem("payload: no entityType") }
                let entity = try StoredData.enumCase(type, "payload.entityType", as: EntityType.self)
                guard let id = payload["id"]?.int64Value else { throw StoredData.Problem("payload: no integer id") }
                return (ruleID, entity, id, payload["trigger"]?.stringValue ?? "delay", payload["attempt"]?.int64Value ?? 1)
            }
        }
    }

    // MARK: - Rules

    /// Inserts a rule for `pipelineID` (the one `input` names or its stage's); returns its id.
    static func insertRule(_ db: Database, _ input: AutomationService.RuleInput, pipelineID: Int64?, action: AutomationAction,
                           condition: AutomationCondition?, at createdAt: String) throws -> Int64 {
        try db.execute("""
            INSERT INTO automation_rules (entity_type, pipeline_id, stage_id, trigger, delay_seconds, action, title, active, created_at,
                                          condition, days)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(input.entityType.rawValue), SQLValue(pipelineID), SQLValue(input.stageID), .text(input.trigger),
                  .integer(input.delaySeconds), .text(action.json.text), SQLValue(input.title), SQLValue(input.active),
                  .text(createdAt), SQLValue(condition?.json.text), SQLValue(input.days)])
        return db.lastInsertRowID
    }

    /// Rewrites every property of rule `id` but its creation time.
    static func updateRule(_ db: Database, id: Int64, _ input: AutomationService.RuleInput, pipelineID: Int64?,
                           action: AutomationAction, condition: AutomationCondition?) throws {
        try db.execute("""
            UPDATE automation_rules SET entity_type = ?, pipeline_id = ?, stage_id = ?, trigger = ?, delay_seconds = ?, action = ?,
            title = ?, active = ?, condition = ?, days = ? WHERE id = ?
            """, [.text(input.entityType.rawValue), SQLValue(pipelineID), SQLValue(input.stageID), .text(input.trigger),
                  .integer(input.delaySeconds), .text(action.json.text), SQLValue(input.title), SQLValue(input.active),
                  SQLValue(condition?.json.text), SQLValue(input.days), .integer(id)])
    }

    static func deleteRule(_ db: Database, id: Int64) throws {
        try db.execute("DELETE FROM automation_rules WHERE id = ?", [.integer(id)])
        try db.execute("DELETE FROM automation_fired WHERE rule_id = ?", [.integer(id)])
        try db.execute("DELETE FROM automation_idle_fired WHERE rule_id = ?", [.integer(id)])
    }

    static func rule(_ db: Database, id: Int64) throws -> Rule? {
        guard let row = try db.queryOne("""
            SELECT id, entity_type, pipeline_id, stage_id, trigger, delay_seconds, action, title, active, created_at, condition, days
            FROM automation_rules WHERE id = ?
            """, [.integer(id)]) else { return nil }
        return try StoredData.read("automation_rules", id) {
            let entityType = try StoredData.enumCase(try row.text("entity_type"), "entity_type", as: EntityType.self)
            let trigger = try StoredData.enumCase(try row.text("trigger"), "trigger", as: AutomationEngine.Trigger.self)
            let action = try StoredData.json(try row.text("action"), "action")
            _ = try AutomationAction(action)
            let condition = try row.optionalText("condition").map { try StoredData.json($0, "condition") }
            if let condition { _ = try AutomationCondition(condition, entity: entityType.descriptor) }
            return Rule(id: try row.int64("id"), entityType: entityType, pipelineID: try row.optionalInt64("pipeline_id"),
                        stageID: try row.optionalText("stage_id"), trigger: trigger, delay: try row.int64("delay_seconds"),
                        action: action, title: try row.optionalText("title"), active: try row.bool("active"),
                        createdAt: try row.text("created_at"), condition: condition, days: try row.optionalInt64("days"))
        }
    }

    /// The rules of `entityType` (of every record type when nil), by id; reminders (activity
    /// rules) are `ReminderStore`'s.
    static func rules(_ db: Database, entityType: EntityType?) throws -> [Rule] {
        try db.query("SELECT id FROM automation_rules WHERE entity_type <> 'activity' AND (? IS NULL OR entity_type = ?) ORDER BY id",
                     [SQLValue(entityType?.rawValue), SQLValue(entityType?.rawValue)])
            .compactMap { try rule(db, id: try $0.int64("id")) }
    }

    /// The active rules for a record of `entity` placed at `stageId` of `pipelineId` with one of
    /// `triggers` (one or two), by id: the stage's own, and those of its pipeline or of any pipeline.
    static func rules(_ db: Database, placing entity: EntityType, pipelineId: Int64, stageId: String,
                      triggers: [String]) throws -> [PlacedRule] {
        try db.query("""
            SELECT id, delay_seconds, action, trigger, condition FROM automation_rules
            WHERE entity_type = ? AND active = 1 AND (pipeline_id IS NULL OR pipeline_id = ?)
              AND (stage_id = ? OR stage_id IS NULL) AND trigger IN (?, ?) ORDER BY id
            """, [.text(entity.rawValue), .integer(pipelineId), .text(stageId), .text(triggers[0]), .text(triggers.last!)])
            .map { row in PlacedRule(id: try row.int64("id"), delay: try row.int64("delay_seconds"), row: row) }
    }

    /// The active invoice rules waiting for an invoice's status to become `status`, by id.
    static func rules(_ db: Database, invoiceStatus status: String) throws -> [PlacedRule] {
        try db.query("""
            SELECT id, delay_seconds, action, trigger, condition FROM automation_rules
            WHERE entity_type = 'invoice' AND active = 1 AND trigger = 'status' AND stage_id = ? ORDER BY id
            """, [.text(status)])
            .map { row in PlacedRule(id: try row.int64("id"), delay: try row.int64("delay_seconds"), row: row) }
    }

    /// An active invoice rule on dates: `dueIn` (`days` before the due date) or `status: overdue`.
    struct DateRule {
        let rule: PlacedRule
        let days: Int64?
        let createdAt: String
    }

    static func dateRules(_ db: Database) throws -> [DateRule] {
        try db.query("""
            SELECT id, delay_seconds, action, trigger, condition, days, created_at FROM automation_rules
            WHERE entity_type = 'invoice' AND active = 1 AND (trigger = 'dueIn' OR (trigger = 'status' AND stage_id = 'overdue'))
            ORDER BY id
            """).map { row in
            DateRule(rule: PlacedRule(id: try row.int64("id"), delay: try row.int64("delay_seconds"), row: row),
                     days: try row.optionalInt64("days"), createdAt: try row.text("created_at"))
        }
    }

    /// Up to `limit` unpaid invoices (sent or partly paid) due from `from` through `through`
    /// that rule `ruleID` has not acted on, earliest due first.
    static func unpaidInvoices(_ db: Database, dueFrom from: String, through: String, notFiredBy ruleID: Int64, limit: Int) throws -> [Int64] {
        try db.query("""
            SELECT id FROM invoices AS i WHERE status IN ('sent', 'partiallyPaid') AND due_date BETWEEN ? AND ?
              AND NOT EXISTS (SELECT 1 FROM automation_fired AS f WHERE f.rule_id = ? AND f.invoice_id = i.id)
            ORDER BY due_date, id LIMIT ?
            """, [.text(from), .text(through), .integer(ruleID), .integer(Int64(limit))]).map { try $0.int64("id") }
    }

    static func markFired(_ db: Database, ruleID: Int64, invoiceID: Int64, at: String) throws {
        try db.execute("INSERT INTO automation_fired (rule_id, invoice_id, fired_at) VALUES (?, ?, ?)",
                       [.integer(ruleID), .integer(invoiceID), .text(at)])
    }

    /// An active idle rule: its stage and days.
    struct IdleRule {
        let rule: PlacedRule
        let entity: EntityType
        let stageID: String
        let days: Int64
    }

    static func idleRules(_ db: Database) throws -> [IdleRule] {
        try db.query("""
            SELECT id, delay_seconds, action, trigger, condition, days, entity_type, stage_id FROM automation_rules
            WHERE active = 1 AND trigger = 'idle' AND entity_type IN ('lead', 'deal') ORDER BY id
            """).map { row in
            let id = try row.int64("id")
            return try StoredData.read("automation_rules", id) {
                IdleRule(rule: PlacedRule(id: id, delay: try row.int64("delay_seconds"), row: row),
                         entity: try StoredData.enumCase(try row.text("entity_type"), "entity_type", as: EntityType.self),
                         stageID: try row.text("stage_id"), days: try row.int64("days"))
            }
        }
    }

    /// Up to `limit` records at the rule's stage with no planned activity whose newest
    /// timeline entry is from `quietSince` or before, that the rule has not acted on in this
    /// quiet spell; with the time of that entry.
    static func idleRecords(_ db: Database, rule: IdleRule, quietSince: String, limit: Int) throws -> [(id: Int64, since: String)] {
        let type = SQLValue.text(rule.entity.rawValue)
        return try db.query("""
            SELECT q.id AS id, q.since AS since FROM (
              SELECT r.id AS id, (SELECT t.at FROM timeline AS t WHERE t.entity_type = ? AND t.entity_id = r.id ORDER BY t.id DESC LIMIT 1) AS since
              FROM \(rule.entity.descriptor.table) AS r
              WHERE r.stage_id = ? AND NOT EXISTS (
                SELECT 1 FROM activity_bindings AS b JOIN activities AS a ON a.id = b.activity_id
                WHERE b.entity_type = ? AND b.entity_id = r.id AND a.status = 'planned')) AS q
            WHERE q.since IS NOT NULL AND q.since <= ? AND NOT EXISTS (
              SELECT 1 FROM automation_idle_fired AS f WHERE f.rule_id = ? AND f.entity_type = ? AND f.entity_id = q.id AND f.since = q.since)
            ORDER BY q.id LIMIT ?
            """, [type, .text(rule.stageID), type, .text(quietSince), .integer(rule.rule.id), type, .integer(Int64(limit))])
            .map { (try $0.int64("id"), try $0.text("since")) }
    }

    static func markIdleFired(_ db: Database, ruleID: Int64, entity: EntityType, id: Int64, since: String, at: String) throws {
        try db.execute("INSERT INTO automation_idle_fired (rule_id, entity_type, entity_id, since, fired_at) VALUES (?, ?, ?, ?, ?)",
                       [.integer(ruleID), .text(entity.rawValue), .integer(id), .text(since), .text(at)])
    }

    /// The stored action of rule `id`, active or not (nil when it is gone).
    static func action(_ db: Database, ruleID: Int64) throws -> String? {
        try db.queryOne("SELECT action FROM automation_rules WHERE id = ?", [.integer(ruleID)])?.text("action")
    }

    /// The stored action of rule `id` if the rule still exists and is active.
    static func activeAction(_ db: Database, ruleID: Int64) throws -> String? {
        try db.queryOne("SELECT action FROM automation_rules WHERE id = ? AND active = 1", [.integer(ruleID)])?.text("action")
    }

    // MARK: - Scheduled jobs

    /// Plans rule `ruleID` to run on record `id` of `entity` at `runAt` (seconds), woken by
    /// `trigger`, as its `attempt`th try.
    static func insertAutomationJob(_ db: Database, runAt: Int64, ruleID: Int64, entity: EntityType, id: Int64, trigger: String,
                                    attempt: Int64, at createdAt: String) throws {
        let payload: JSON = ["ruleId": .int(ruleID), "entityType": .string(entity.rawValue), "id": .int(id), "trigger": .string(trigger),
                             "attempt": .int(attempt)]
        try db.execute("INSERT INTO scheduled_jobs (run_at, kind, payload, created_at) VALUES (?, 'automation', ?, ?)",
                       [.integer(runAt), .text(payload.text), .text(createdAt)])
    }

    /// Whether a job that has not failed is due at `now`.
    static func anyJobDue(_ db: Database, now: Int64) throws -> Bool {
        try db.queryOne("SELECT 1 FROM scheduled_jobs WHERE run_at <= ? AND last_error IS NULL LIMIT 1", [.integer(now)]) != nil
    }

    /// Up to `limit` jobs due at `now` that have not failed, earliest first.
    static func dueJobs(_ db: Database, now: Int64, limit: Int) throws -> [ScheduledJob] {
        try db.query("""
            SELECT id, kind, payload FROM scheduled_jobs WHERE run_at <= ? AND last_error IS NULL ORDER BY run_at, id LIMIT ?
            """, [.integer(now), .integer(Int64(limit))]).map { row in ScheduledJob(id: try row.int64("id"), row: row) }
    }

    /// When the next job that has not failed is due (nil when none is waiting).
    static func nextRunAt(_ db: Database) throws -> Int64? {
        try db.queryOne("SELECT min(run_at) AS next FROM scheduled_jobs WHERE last_error IS NULL")?.optionalInt64("next")
    }

    /// Keeps a job that could not run, with why: it is never run again.
    static func markJobFailed(_ db: Database, id: Int64, error: String) throws {
        try db.execute("UPDATE scheduled_jobs SET attempts = attempts + 1, last_error = ? WHERE id = ?", [.text(error), .integer(id)])
    }

    static func deleteJob(_ db: Database, id: Int64) throws {
        try db.execute("DELETE FROM scheduled_jobs WHERE id = ?", [.integer(id)])
    }
}
