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
        let anyDue = try crm.pool.read { db in try AutomationStore.anyJobDue(db, now: now) }
        if !anyDue { return 0 }
        return try crm.pool.write { db in
            let jobs = try AutomationStore.dueJobs(db, now: now, limit: limit)
            for job in jobs {
                do {
                    if let (ruleID, activityID) = try job.reminderTarget() {
                        try ReminderService.run(db, crm: crm, ruleID: ruleID, activityID: activityID)
                        try AutomationStore.deleteJob(db, id: job.id)
                        continue
                    }
                    let (ruleID, entity, id, trigger, attempt) = try job.automationTarget()
                    // A record or rule deleted (or a rule switched off) since the job was planned is not a failure: nothing to do.
                    if let action = try AutomationStore.activeAction(db, ruleID: ruleID) {
                        if try RecordStore(entity: entity.descriptor).exists(db, id) {
                            try AutomationEngine.execute(db, crm: crm, ruleID: ruleID, action: action, entity: entity, id: id, trigger: trigger,
                                                         attempt: attempt)
                        } else {
                            try AutomationEngine.log(db, crm: crm, ruleID: ruleID, entity: entity, id: id, trigger: trigger,
                                                     action: Self.type(action), .skipped("the record is gone"), attempt: attempt)
                        }
                    } else if let action = try AutomationStore.action(db, ruleID: ruleID) {
                        try AutomationEngine.log(db, crm: crm, ruleID: ruleID, entity: entity, id: id, trigger: trigger,
                                                 action: Self.type(action), .skipped("the rule is switched off"), attempt: attempt)
                    }
                } catch let error as StoredDataError {
                    // Thrown before the job wrote anything; the job stays, marked failed.
                    try AutomationStore.markJobFailed(db, id: job.id, error: error.description)
                    crm.faults.report("scheduled job \(job.id) failed: \(error)")
                    continue
                }
                try AutomationStore.deleteJob(db, id: job.id)
            }
            return jobs.count
        }
    }

    /// The type of a stored action, for the log ("" when it cannot be read).
    private static func type(_ action: String) -> String { (try? AutomationAction.stored(action).type) ?? "" }

    /// Runs the invoice robots whose date has come (`AutomationEngine.runDates`), up to `limit`
    /// invoices a rule, in one transaction; returns how many acted.
    @discardableResult
    package func runDates(limit: Int = 100) throws -> Int {
        let any = try crm.pool.read { db in try !AutomationStore.dateRules(db).isEmpty }
        if !any { return 0 }
        return try crm.pool.write { db in try AutomationEngine.runDates(db, crm: crm, limit: limit) }
    }

    /// Runs the idle robots (`AutomationEngine.runIdle`) in one transaction; returns how many acted.
    @discardableResult
    package func runIdle(limit: Int = 100) throws -> Int {
        let any = try crm.pool.read { db in try !AutomationStore.idleRules(db).isEmpty }
        if !any { return 0 }
        return try crm.pool.write { db in try AutomationEngine.runIdle(db, crm: crm, limit: limit) }
    }

    /// Seconds until the next job is due (nil when none is waiting).
    package func secondsUntilNext() throws -> Int64? {
        try crm.pool.read { db in
            try AutomationStore.nextRunAt(db).map { max(0, $0 - crm.clock.now()) }
        }
    }
}

extension CRM {
    package var scheduler: AutomationScheduler { AutomationScheduler(crm: self) }
}
