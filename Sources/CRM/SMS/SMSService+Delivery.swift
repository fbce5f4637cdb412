import JSONKit
import Storage

extension SMSService {
    /// Delivers every due message once through the transport of `settings.sms`; returns how
    /// many were sent. With `outbox` (or no transport) messages stay queued.
    ///
    /// At least once, never silently twice: a message is claimed (committed) before it goes to
    /// the gateway and its outcome recorded after. A temporary failure puts it back in line after
    /// a growing delay (`SMSSettings.backoff`), until `maxAttempts`; a permanent one fails it with
    /// the gateway's code and reason; after a temporary failure the pass ends. A crash between the claim and the record leaves it claimed:
    /// `releaseClaims` at the next start counts the interruption on the message, which is then
    /// sent again and says so (`interruptedAttempts`, and in its `delivered` change).
    @discardableResult
    package func deliverDue() throws -> Int {
        let now = crm.clock.now()
        let (due, settings) = try crm.pool.read { db in (try SMSStore.due(db, at: now), try SettingsService.load(db)) }
        let sms = settings["sms"] ?? .null
        guard !due.isEmpty, let transport = SMSSettings.transport(sms, local: crm.local) else { return 0 }
        var sent = 0
        for message in due {
            guard try crm.pool.write({ db in try SMSStore.claim(db, id: message.id, at: now) }) else { continue }
            let attempts = message.attempts + 1
            let outcome: Result<SMSReceipt, SMSDeliveryError>
            do {
                outcome = .success(try transport.send(to: message.number, text: message.text))
            } catch {
                outcome = .failure(error)
            }
            let finished = crm.clock.now()
            try crm.pool.write { db in
                var facts: [String: JSON] = ["smsId": .int(message.id), "channel": "sms", "to": .string(message.number),
                                             "attempts": .int(attempts), "transport": .string(transport.name)]
                if message.interrupted > 0 { facts["interruptedAttempts"] = .int(message.interrupted) }
                let operation: ChangeOperation
                switch outcome {
                case .success(let receipt):
                    sent += 1
                    try SMSStore.recordAttempt(db, id: message.id, status: "sent", attempts: attempts, transport: transport.name, errorCode: nil,
                                               error: nil, gatewayID: receipt.gatewayID, nextAttemptAt: finished, at: finished)
                    facts["status"] = "sent"
                    if let id = receipt.gatewayID { facts["gatewayId"] = .string(id) }
                    operation = .delivered
                case .failure(let error):
                    let gaveUp = !error.isTemporary || attempts >= SMSSettings.maxAttempts(sms)
                    try SMSStore.recordAttempt(db, id: message.id, status: gaveUp ? "failed" : "queued", attempts: attempts,
                                               transport: transport.name, errorCode: error.code, error: error.reason, gatewayID: nil,
                                               nextAttemptAt: finished + SMSSettings.backoff(sms, attempts: attempts), at: finished)
                    // A retry is the message's own bookkeeping; giving up is news for the record.
                    guard gaveUp else { return }
                    facts["status"] = "failed"
                    facts["errorCode"] = .string(error.code)
                    facts["error"] = .string(error.reason)
                    operation = .failed
                }
                try crm.apply(Self.change(id: message.id, record: message.record, operation, by: .system(.delivery),
                                          at: Timestamp.format(finished), data: facts), in: db)
            }
            // A gateway that asks for later (or does not answer) gets no more of this pass: the
            // rest wait for the next one, so a dead gateway costs one timeout per pass, not one per
            // message, and the robots and mail sharing the thread go on.
            if case .failure(let error) = outcome, error.isTemporary { break }
        }
        return sent
    }

    /// Puts back in line the messages a previous process died while handing over (each counts
    /// the interruption); returns how many.
    @discardableResult
    package func releaseClaims() throws -> Int {
        try crm.pool.write { db in try SMSStore.releaseClaims(db, at: crm.clock.now()).count }
    }

    /// `sms.status`: asks SMS.ru what the phone network reported on a message it took, and
    /// records `delivered` or `failed` (with SMS.ru's code and text) when it knows — a change on
    /// the record, by the caller. A message not (or no longer) `sent` through SMS.ru, or with
    /// the transport changed since, is answered as it stands. SMS.ru not answering is 1005
    /// `{reason: "gatewayUnavailable", code, error}`: nothing is recorded.
    package func refreshStatus(_ id: Int64, by caller: Caller) throws -> JSON {
        let (tracking, settings) = try crm.pool.read { db in
            guard let record = try SMSStore.record(db, id) else { throw CRMError.notFound("sms", id) }
            try Self.requireRead(caller.access, record, db)
            return (try SMSStore.tracking(db, id), try SettingsService.load(db))
        }
        guard let tracking, tracking.status == "sent", tracking.transport == "smsru", let gatewayID = tracking.gatewayID,
              let smsru = SMSSettings.transport(settings["sms"] ?? .null, local: crm.local) as? SMSRuTransport else {
            return try get(id, access: caller.access)
        }
        let report: SMSRuTransport.Report
        do {
            report = try smsru.report(gatewayID: gatewayID)
        } catch {
            throw CRMError.conflict(reason: "gatewayUnavailable", details: ["code": .string(error.code), "error": .string(error.reason)])
        }
        let failure: (code: String, reason: String)?
        switch report {
        case .pending: return try get(id, access: caller.access)
        case .delivered: failure = nil
        case .notDelivered(let code, let reason): failure = (code, reason)
        }
        return try crm.pool.write { db in
            let now = crm.clock.now()
            // Only a message still `sent`: another call may have recorded the report meanwhile.
            if try SMSStore.recordReport(db, id: id, delivered: failure == nil, errorCode: failure?.code, error: failure?.reason, at: now) {
                var facts: [String: JSON] = ["smsId": .int(id), "channel": "sms", "gatewayId": .string(gatewayID),
                                             "status": failure == nil ? "delivered" : "failed"]
                if let failure { facts.merge(["errorCode": .string(failure.code), "error": .string(failure.reason)]) { _, new in new } }
                try crm.apply(Self.change(id: id, record: tracking.record, failure == nil ? .delivered : .failed, by: caller,
                                          at: Timestamp.format(now), data: facts), in: db)
            }
            guard let message = try SMSStore.message(db, id) else { throw CRMError.notFound("sms", id) }
            return message
        }
    }
}
