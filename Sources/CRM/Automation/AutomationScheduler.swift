import JSONKit
import Storage

/// Runs delayed robots whose time has come. `runDue` is called by the server's timer thread
/// (and by tests after moving the clock); each batch is one transaction, so a job runs once.
package struct AutomationScheduler: Sendable {
    let crm: CRM

    /// Runs up to `limit` due jobs; returns how many ran.
    @discardableResult
    package func runDue(limit: Int = 100) throws -> Int {
        let now = crm.clock.now()
        let anyDue = try crm.pool.read { db in
            try db.queryOne("SELECT 1 FROM scheduled_jobs WHERE run_at <= ? LIMIT 1", [.integer(now)]) != nil
        }
        if !anyDue { return 0 }
        return try crm.pool.write { db in
            let jobs = try db.query("SELECT id, kind, payload FROM scheduled_jobs WHERE run_at <= ? ORDER BY run_at, id LIMIT ?",
                                    [.integer(now), .integer(Int64(limit))])
            for job in jobs {
                let payload = JSONText.parse(job[2].string) ?? .null
                if job[1].string == "automation", let ruleID = payload["ruleId"]?.int64Value,
                   let entity = payload["entityType"]?.stringValue.flatMap(EntityType.init(rawValue:)),
                   let id = payload["id"]?.int64Value,
                   try db.queryOne("SELECT 1 FROM \(entity.descriptor.table) WHERE id = ?", [.integer(id)]) != nil,
                   let rule = try db.queryOne("SELECT action FROM automation_rules WHERE id = ? AND active = 1", [.integer(ruleID)]) {
                    try AutomationEngine.perform(db, crm: crm, ruleID: ruleID, action: rule[0].string, entity: entity, id: id)
                }
                try db.execute("DELETE FROM scheduled_jobs WHERE id = ?", [job[0]])
            }
            return jobs.count
        }
    }

    /// Seconds until the next job is due (nil when none is waiting).
    package func secondsUntilNext() throws -> Int64? {
        try crm.pool.read { db in
            try db.scalar("SELECT min(run_at) FROM scheduled_jobs").int64.map { max(0, $0 - crm.clock.now()) }
        }
    }
}

extension CRM {
    package var scheduler: AutomationScheduler { AutomationScheduler(crm: self) }
}
