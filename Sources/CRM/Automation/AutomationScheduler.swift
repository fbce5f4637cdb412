import JSONKit
import Storage

/// Runs delayed robots whose time has come. `runDue` is called by the server's timer thread
/// (and by tests after moving the clock); each batch is one transaction, so a job runs once.
/// A job that cannot run because what it reads is unreadable (its payload, its rule's action,
/// its record) is reported to `crm.faults` and kept with its `last_error` set: a failed job,
/// never run again and never dropped silently.
package struct AutomationScheduler: Sendable {
    let crm: CRM

    /// Runs up to `limit` due jobs; returns how many ran.
    @discardableResult
    package func runDue(limit: Int = 100) throws -> Int {
        let now = crm.clock.now()
        let anyDue = try crm.pool.read { db in
            try db.queryOne("SELECT 1 FROM scheduled_jobs WHERE run_at <= ? AND last_error IS NULL LIMIT 1", [.integer(now)]) != nil
        }
        if !anyDue { return 0 }
        return try crm.pool.write { db in
            let jobs = try db.query("""
                SELECT id, kind, payload FROM scheduled_jobs WHERE run_at <= ? AND last_error IS NULL ORDER BY run_at, id LIMIT ?
                """, [.integer(now), .integer(Int64(limit))])
            for job in jobs {
                let jobID = try job.int64("id")
                do {
                    let (ruleID, entity, id) = try Self.automationPayload(job, jobID)
                    // A record or rule deleted (or a rule switched off) since the job was planned is not a failure: nothing to do.
                    if try db.queryOne("SELECT 1 FROM \(entity.descriptor.table) WHERE id = ?", [.integer(id)]) != nil,
                       let rule = try db.queryOne("SELECT action FROM automation_rules WHERE id = ? AND active = 1", [.integer(ruleID)]) {
                        try AutomationEngine.perform(db, crm: crm, ruleID: ruleID, action: try rule.text("action"), entity: entity, id: id)
                    }
                } catch let error as StoredDataError {
                    // Thrown before the job wrote anything; the job stays, marked failed.
                    try db.execute("UPDATE scheduled_jobs SET attempts = attempts + 1, last_error = ? WHERE id = ?",
                                   [.text(error.description), .integer(jobID)])
                    crm.faults.report("scheduled job \(jobID) failed: \(error)")
                    continue
                }
                try db.execute("DELETE FROM scheduled_jobs WHERE id = ?", [.integer(jobID)])
            }
            return jobs.count
        }
    }

    /// Seconds until the next job is due (nil when none is waiting).
    package func secondsUntilNext() throws -> Int64? {
        try crm.pool.read { db in
            try db.queryOne("SELECT min(run_at) AS next FROM scheduled_jobs WHERE last_error IS NULL")?.optionalInt64("next")
                .map { max(0, $0 - crm.clock.now()) }
        }
    }

    /// The rule, record type and record of an `automation` job, read strictly from its payload.
    private static func automationPayload(_ job: Row, _ jobID: Int64) throws -> (ruleID: Int64, entity: EntityType, id: Int64) {
        try StoredData.read("scheduled_jobs", jobID) {
            let kind = try job.text("kind")
            guard kind == "automation" else { throw StoredData.Problem("kind: unknown job kind '\(kind)'") }
            let payload = try StoredData.object(try job.text("payload"), "payload")
            guard let ruleID = payload["ruleId"]?.int64Value else { throw StoredData.Problem("payload: no integer ruleId") }
            guard let type = payload["entityType"]?.stringValue else { throw StoredData.Problem("payload: no entityType") }
            let entity = try StoredData.enumCase(type, "payload.entityType", as: EntityType.self)
            guard let id = payload["id"]?.int64Value else { throw StoredData.Problem("payload: no integer id") }
            return (ruleID, entity, id)
        }
    }
}

extension CRM {
    package var scheduler: AutomationScheduler { AutomationScheduler(crm: self) }
}
