import Foundation
import Synchronization

/// A thread that, every `interval` until stopped, runs due scheduled jobs (delayed robots) and
/// the invoice robots whose date has come, and delivers due outbox messages, text messages and robots' webhooks; a committed message wakes it at once. Errors are reported to
/// `log` and retried on the next tick; nothing is lost, since jobs and messages leave their
/// queues only once done. A job or message whose stored data cannot be read is marked failed
/// and reported to `crm.faults` instead.
package final class BackgroundJobs: Sendable {
    private let stopped = Mutex(false)
    private let finished = DispatchSemaphore(value: 0)
    private let wake = DispatchSemaphore(value: 0)

    package init(crm: CRM, interval: Duration = .seconds(1), log: @escaping @Sendable (String) -> Void) {
        let scheduler = crm.scheduler
        let outbox = crm.outbox
        let sms = crm.sms
        let robotWebhooks = crm.robotWebhooks
        crm.observeCommits(MessageQueued(wake: wake))
        Thread.detachNewThread { [self] in
            do {
                let released = try outbox.releaseClaims()
                if released > 0 { log("outbox: \(released) message(s) interrupted while being handed over are sent again") }
            } catch {
                log("outbox: \(error)")
            }
            do {
                let released = try sms.releaseClaims()
                if released > 0 { log("sms: \(released) message(s) interrupted while being handed to the gateway are sent again, each marked") }
            } catch {
                log("sms: \(error)")
            }
            var pruned: Int64?, idleChecked: Int64?
            while !isStopped {
                do {
                    while try scheduler.runDue() > 0 {}
                } catch {
                    log("scheduled jobs: \(error)")
                }
                do {
                    while try scheduler.runDates() > 0 {}
                } catch {
                    log("invoice robots on dates: \(error)")
                }
                // Idle robots look at whole stages: once a minute is soon enough for days of quiet.
                if idleChecked.map({ crm.clock.now() - $0 >= 60 }) ?? true {
                    idleChecked = crm.clock.now()
                    do {
                        while try scheduler.runIdle() > 0 {}
                    } catch {
                        log("idle robots: \(error)")
                    }
                }
                // The event log's retention, at start and hourly.
                if pruned.map({ crm.clock.now() - $0 >= 3600 }) ?? true {
                    pruned = crm.clock.now()
                    do {
                        try crm.events.prune()
                    } catch {
                        log("event log: \(error)")
                    }
                }
                do {
                    try outbox.deliverDue()
                } catch {
                    log("outbox: \(error)")
                }
                do {
                    try sms.deliverDue()
                } catch {
                    log("sms: \(error)")
                }
                do {
                    while try robotWebhooks.deliverDue() == RobotWebhookService.batch && !isStopped {}
                } catch {
                    log("robot webhooks: \(error)")
                }
                var seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
                // A job due before the next tick (a reminder, a delayed robot) wakes the thread at its second, not up to a
                // tick late. One already due was tried in this pass (and failed): it waits for the tick.
                if let next = try? crm.pool.read({ db in try AutomationStore.nextRunAt(db) }) {
                    let until = Double(next) - Date().timeIntervalSince1970
                    if until > 0 { seconds = min(seconds, until) }
                }
                _ = wake.wait(timeout: .now() + seconds)
            }
            finished.signal()
        }
    }

    /// Wakes the thread when a message for the outbox is committed (not before: a rolled-back
    /// send leaves nothing to deliver).
    private struct MessageQueued: ChangeObserver {
        let wake: DispatchSemaphore

        func changesCommitted(_ changes: [Change]) {
            if changes.contains(where: { $0.operation == .queued }) { wake.signal() }
        }
    }

    private var isStopped: Bool { stopped.withLock { $0 } }

    /// Stops the thread and waits for its current batch to finish.
    package func stop() {
        stopped.withLock { $0 = true }
        wake.signal()
        finished.wait()
    }
}
