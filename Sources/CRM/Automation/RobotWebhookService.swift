import Foundation
import JSONKit
import Net
import Storage

/// Delivers the robots' webhooks (`webhook` actions) from their outbox (`robot_webhooks`): each
/// POST signed per Standard Webhooks 1.0 (`webhook-id: robot_<delivery id>`, the same on every
/// try, so a receiver can drop repeats). Timeouts, connection failures, 3xx, 5xx, 408 and 429 are
/// tried again after 1, 2, 4… seconds (at most an hour apart), up to `maxAttempts` tries; any
/// other 4xx gives the delivery up at once. Every attempt goes into the robot log. Called by the
/// background jobs' thread: one deliverer at a time, the POSTs outside any transaction.
package struct RobotWebhookService: Sendable {
    let crm: CRM

    static let maxAttempts: Int64 = 15
    /// Deliveries one pass takes.
    static let batch = 50

    /// Posts what is due; returns how many deliveries were tried.
    @discardableResult
    package func deliverDue() throws -> Int {
        let due = try crm.pool.read { db in try AutomationLogStore.dueWebhooks(db, now: crm.clock.now(), limit: Self.batch) }
        for delivery in due {
            let attempt = delivery.attempts + 1
            let (run, retry) = post(delivery)
            let now = crm.clock.now()
            let status: String, next: Int64
            var logged = run
            if run.result == .done {
                (status, next) = ("delivered", now)
            } else if retry && attempt < Self.maxAttempts {
                (status, next) = ("queued", now + min(Int64(1) << min(attempt - 1, 12), 3600))
                logged.data["retryAt"] = .string(Timestamp.format(next))
            } else {
                (status, next) = ("failed", now)
                logged.data["gaveUp"] = true
            }
            try crm.pool.write { db in
                try AutomationLogStore.updateWebhook(db, id: delivery.id, status: status, attempts: attempt, nextAttemptAt: next, at: crm.nowText)
                try AutomationLogStore.insert(db, ruleID: delivery.ruleID, entityType: delivery.entityType, entityID: delivery.entityID,
                                              trigger: delivery.trigger, action: "webhook", run: logged, attempt: attempt, at: crm.nowText)
            }
        }
        return due.count
    }

    /// One POST: what the log keeps of it, and whether to try again.
    private func post(_ delivery: AutomationLogStore.Webhook) -> (RobotRun, retry: Bool) {
        var facts: [String: JSON] = ["webhookDeliveryId": .int(delivery.id), "url": .string(delivery.url)]
        guard let url = HTTPURL(delivery.url) else { return (.failed("not an http:// URL", facts), false) }
        let now = crm.clock.now()
        let messageID = "robot_\(delivery.id)"
        let body = Array(delivery.body.utf8)
        let signature = WebhookService.signature(secret: delivery.secret, id: messageID, timestamp: now, body: body)
        let headers = [("Content-Type", "application/json"), ("webhook-id", messageID), ("webhook-timestamp", String(now)),
                       ("webhook-signature", signature)]
        do {
            let response = try HTTPClient.post(url, headers: headers, body: body, timeout: WebhookService.timeout)
            facts["status"] = .int(Int64(response.status))
            switch response.status {
            case 200..<300: return (.done(facts), false)
            case 408, 429: return (.failed("HTTP \(response.status)", facts), true)
            case 400..<500: return (.failed("HTTP \(response.status)", facts), false)
            default: return (.failed("HTTP \(response.status)", facts), true)
            }
        } catch {
            switch error {
            case .timeout: return (.failed("no answer within \(WebhookService.timeout)", facts), true)
            case .connectionFailed(let text): return (.failed(text, facts), true)
            }
        }
    }
}

extension CRM {
    package var robotWebhooks: RobotWebhookService { RobotWebhookService(crm: self) }
}
