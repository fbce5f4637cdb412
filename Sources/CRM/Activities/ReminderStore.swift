import JSONKit
import Storage

/// The SQL of reminders: robots relative to an activity's start (rules of `automation_rules`
/// with entity type `activity`) and their planned runs (`scheduled_jobs` of kind `reminder`,
/// found by their activity when it moves or ends).
enum ReminderStore {
    struct Rule {
        var id: Int64
        var activityType: Activity.Kind?
        var before: Int64
        var ifLate: ReminderService.IfLate
        var action: JSON
        var title: String?
        var active: Bool
        var createdAt: String
    }

    private static let columns = "id, activity_type, before_seconds, if_late, action, title, active, created_at"

    static func insertRule(_ db: Database, _ input: ReminderService.RuleInput, action: ReminderAction, at: String) throws -> Int64 {
        try db.execute("""
            INSERT INTO automation_rules (entity_type, trigger, delay_seconds, action, title, active, created_at, before_seconds, if_late, activity_type)
            VALUES ('activity', 'beforeStart', 0, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(action.json.text), SQLValue(input.title), SQLValue(input.active), .text(at), .integer(input.before),
                  .text(input.ifLate.rawValue), SQLValue(input.activityType?.rawValue)])
        return db.lastInsertRowID
    }

    static func updateRule(_ db: Database, id: Int64, _ input: ReminderService.RuleInput, action: ReminderAction) throws {
        try db.execute("""
            UPDATE automation_rules SET action = ?, title = ?, active = ?, before_seconds = ?, if_late = ?, activity_type = ?
            WHERE id = ? AND entity_type = 'activity'
            """, [.text(action.json.text), SQLValue(input.title), SQLValue(input.active), .integer(input.before),
                  .text(input.ifLate.rawValue), SQLValue(input.activityType?.rawValue), .integer(id)])
    }

    /// Whether rule `id` is a reminder (an activity's rule).
    static func isReminder(_ db: Database, _ id: Int64) throws -> Bool {
        try db.queryOne("SELECT 1 FROM automation_rules WHERE id = ? AND entity_type = 'activity'", [.integer(id)]) != nil
    }

    static func rule(_ db: Database, _ id: Int64) throws -> Rule? {
        try db.queryOne("SELECT \(columns) FROM automation_rules WHERE id = ? AND entity_type = 'activity'", [.integer(id)]).map(rule)
    }

    static func rules(_ db: Database, activeOnly: Bool = false) throws -> [Rule] {
        try db.query("SELECT \(columns) FROM automation_rules WHERE entity_type = 'activity' AND (? = 0 OR active = 1) ORDER BY id",
                     [.integer(activeOnly ? 1 : 0)]).map(rule)
    }

    private static func rule(_ row: Row) throws -> Rule {
        let id = try row.int64("id")
        return try StoredData.read("automation_rules", id) {
            let action = try StoredData.json(try row.text("action"), "action")
            _ = try ReminderAction(action)
            return Rule(id: id, activityType: try row.optionalText("activity_type").map { try StoredData.enumCase($0, "activity_type", as: Activity.Kind.self) },
                        before: try row.int64("before_seconds"),
                        ifLate: try StoredData.enumCase(try row.text("if_late"), "if_late", as: ReminderService.IfLate.self),
                        action: action, title: try row.optionalText("title"), active: try row.bool("active"), createdAt: try row.text("created_at"))
        }
    }

    static func deleteRule(_ db: Database, _ id: Int64) throws {
        try db.execute("DELETE FROM scheduled_jobs WHERE kind = 'reminder' AND json_extract(payload, '$.ruleId') = ?", [.integer(id)])
        try db.execute("DELETE FROM automation_rules WHERE id = ? AND entity_type = 'activity'", [.integer(id)])
    }

    // MARK: - Planned runs

    static func insertJob(_ db: Database, runAt: Int64, ruleID: Int64, activityID: Int64, at: String) throws {
        let payload: JSON = ["ruleId": .int(ruleID), "activityId": .int(activityID)]
        try db.execute("INSERT INTO scheduled_jobs (run_at, kind, payload, created_at, activity_id) VALUES (?, 'reminder', ?, ?, ?)",
                       [.integer(runAt), .text(payload.text), .text(at), .integer(activityID)])
    }

    /// Drops the planned reminders of an activity (it moved, ended or is gone).
    static func deleteJobs(_ db: Database, activityID: Int64) throws {
        try db.execute("DELETE FROM scheduled_jobs WHERE activity_id = ? AND kind = 'reminder'", [.integer(activityID)])
    }

    /// The planned reminders of an activity: when, and by which rule.
    static func jobs(_ db: Database, activityID: Int64) throws -> [(runAt: Int64, ruleID: Int64)] {
        try db.query("SELECT run_at, payload FROM scheduled_jobs WHERE activity_id = ? AND kind = 'reminder' ORDER BY run_at, id",
                     [.integer(activityID)]).map { row in
            (try row.int64("run_at"), (try StoredData.json(try row.text("payload"), "payload"))["ruleId"]?.int64Value ?? 0)
        }
    }

    /// Planned meetings and calls that have not started by `now`, by id (the ones a changed
    /// rule plans anew).
    static func upcoming(_ db: Database, now: Int64) throws -> [Int64] {
        try db.query("SELECT id FROM activities WHERE status = 'planned' AND type <> 'task' AND start_at > ? ORDER BY id", [.integer(now)])
            .map { try $0.int64("id") }
    }
}
