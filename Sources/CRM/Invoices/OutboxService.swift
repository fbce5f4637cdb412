import JSONKit
import Mail
import Storage

/// Outgoing mail (S22). A message is first written to the outbox inside the transaction of
/// the call that sends it — so nothing is lost to a crash or an unreachable server — and then
/// delivered by `deliverDue` through the transport in `settings.mail` (SMTP or a sendmail
/// command; `outbox` keeps messages until a transport is set). Temporary failures are retried
/// with growing delays; permanent ones mark the message failed.
///
/// Delivery is at least once: a message is claimed before it is handed to the transport and
/// the outcome recorded after, so a crash in between leaves it claimed, and `releaseClaims`
/// (run when the server starts) sends it again — with the same Message-ID, so the receiving
/// side can tell the copy. A claimed message is never taken by a second delivery run.
package struct OutboxService: Sendable {
    let crm: CRM

    static let maxAttempts: Int64 = 10

    /// Delivers every due message once; returns how many were delivered.
    @discardableResult
    package func deliverDue() throws -> Int {
        let now = crm.clock.now()
        let (due, settings) = try crm.pool.read { db in
            (try OutboxStore.due(db, at: now), try SettingsService.load(db))
        }
        guard !due.isEmpty, let transport = Self.transport(settings["mail"] ?? .null, local: crm.local) else { return 0 }
        var delivered = 0
        for queued in due {
            let id = queued.id
            let attempts = queued.attempts + 1
            guard try crm.pool.write({ db in try OutboxStore.claim(db, id: id, at: now) }) else { continue }
            var outcome: (status: String, error: String?, retryAt: Int64) = ("sent", nil, now)
            switch queued.message {
            case .success(let message):
                do {
                    try transport.send(message)
                    delivered += 1
                } catch {
                    let backoff: Int64 = min(3600, 30 << min(attempts - 1, 7))
                    let permanent = !error.isTemporary || attempts >= Self.maxAttempts
                    outcome = (permanent ? "failed" : "queued", "\(error)", now + backoff)
                }
            case .failure(let error):
                outcome = ("failed", "\(error)", now)
                crm.faults.report("outbox message \(id) failed: \(error)")
            }
            try crm.pool.write { db in
                try OutboxStore.recordAttempt(db, id: id, status: outcome.status, attempts: attempts, lastError: outcome.error,
                                              nextAttemptAt: outcome.retryAt,
                                              sentAt: outcome.status == "sent" ? Timestamp.format(crm.clock.now()) : nil)
                guard outcome.status != "queued", let invoiceID = queued.invoiceID else { return }
                var data: [String: JSON] = ["messageId": .int(id), "attempts": .int(attempts)]
                if let error = outcome.error { data["error"] = .string(error) }
                try crm.apply(Change(.invoice, id: .int(invoiceID), outcome.status == "sent" ? .delivered : .failed, by: .system(.delivery),
                                     at: crm.nowText, data: data), in: db)
            }
        }
        return delivered
    }

    /// Puts back in line the messages a previous process died while handing over (at least
    /// once: they are delivered again); returns how many.
    @discardableResult
    package func releaseClaims() throws -> Int {
        try crm.pool.write { db in try OutboxStore.releaseClaims(db) }
    }

    /// The transport `settings.mail` names; nil for `outbox` (keep messages, send nothing).
    /// The sendmail program is the config file's (`local`), never one named in the settings.
    static func transport(_ mail: JSON, local: LocalConfiguration) -> (any MailTransport)? {
        switch mail["transport"]?.stringValue {
        case "smtp":
            guard let host = mail["host"]?.stringValue else { return nil }
            return SMTPTransport(host: host, port: mail["port"]?.intValue ?? 25, username: mail["username"]?.stringValue,
                                 password: mail["password"]?.stringValue, timeout: .seconds(mail["timeoutSeconds"]?.intValue ?? 30))
        case "sendmail":
            return SendmailTransport(path: local.sendmailPath)
        default:
            return nil
        }
    }
}

extension CRM {
    package var outbox: OutboxService { OutboxService(crm: self) }
}
