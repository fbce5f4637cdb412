import Foundation
import JSONKit
import Net
import Storage

/// Webhooks (`webhook.*`): each event whose topic a webhook names is POSTed to its URL, signed
/// per Standard Webhooks 1.0, in seq order, from the event log itself (the webhook's `cursor`
/// says how far it got), so nothing is lost across restarts. Failures are retried with
/// exponential backoff (timeouts, connection failures, 3xx, 5xx, 408, 429), not a 4xx answer;
/// a webhook failing continuously for `webhookDisableAfterSeconds` (setting, a day by default)
/// is disabled. Every attempt is kept (`webhook.deliveries`).
package struct WebhookService: Sendable {
    let crm: CRM

    static let secretPrefix = "whsec_"
    /// How long one delivery may take, connect to answer.
    static let timeout: Duration = .seconds(10)
    /// Events one pass of the deliverer takes per webhook.
    static let batch = 100

    package func add(url: String, topics: [String], secret: String?, by caller: Caller) throws -> JSON {
        try Self.validate(url: url)
        try EventTopic.validate(topics)
        let key = try secret.map(Self.checked) ?? Self.generateSecret()
        return try crm.pool.write { db in
            let cursor = try EventService.lastSeq(db)
            let id = try WebhookStore.insert(db, url: url, topics: JSON.array(topics.map(JSON.string)).text, secret: key, cursor: cursor,
                                             at: crm.nowText, by: caller.userID)
            guard let webhook = try WebhookStore.fetch(db, id) else { throw CRMError.notFound("webhook", id) }
            try crm.apply(Change(.webhook, id: .int(id), .created, by: caller, at: crm.nowText,
                                 fields: [FieldChange(field: "url", old: .null, new: .string(url)),
                                          FieldChange(field: "topics", old: .null, new: .array(topics.map(JSON.string)))]), in: db)
            var shown = try Self.json(webhook).objectValue ?? [:]
            shown["secret"] = .string(key)
            return .object(shown)
        }
    }

    package func list() throws -> JSON {
        try crm.pool.read { db in ["items": .array(try WebhookStore.all(db).map(Self.json))] }
    }

    /// Changes the URL, topics or secret (`rotateSecret: true` makes a new one, shown in the
    /// result), or turns it on or off; turning it on clears its failure state.
    package func update(_ id: Int64, url: String?, topics: [String]?, active: Bool?, secret: String?, rotateSecret: Bool,
                        by caller: Caller) throws -> JSON {
        if let url { try Self.validate(url: url) }
        if let topics { try EventTopic.validate(topics) }
        let newSecret = try secret.map(Self.checked) ?? (rotateSecret ? Self.generateSecret() : nil)
        return try crm.pool.write { db in
            guard var webhook = try WebhookStore.fetch(db, id) else { throw CRMError.notFound("webhook", id) }
            let old = try Self.json(webhook)
            if let url { webhook.url = url }
            if let topics { webhook.topics = JSON.array(topics.map(JSON.string)).text }
            if let newSecret { webhook.secret = newSecret }
            if let active, active != webhook.active {
                webhook.active = active
                if active {
                    (webhook.attempts, webhook.nextAttemptAt, webhook.failingSince, webhook.disabledReason) = (0, nil, nil, nil)
                }
            }
            try WebhookStore.update(db, webhook, at: crm.nowText)
            let new = try Self.json(webhook)
            var changes = FieldChange.differences(old, new, ignoring: ["updatedAt"])
            if newSecret != nil { changes.append(FieldChange(field: "secret", old: "********", new: "********")) }
            if !changes.isEmpty { try crm.apply(Change(.webhook, id: .int(id), .updated, by: caller, at: crm.nowText, fields: changes), in: db) }
            var shown = new.objectValue ?? [:]
            if let newSecret { shown["secret"] = .string(newSecret) }
            return .object(shown)
        }
    }

    package func delete(_ id: Int64, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            guard try WebhookStore.fetch(db, id) != nil else { throw CRMError.notFound("webhook", id) }
            try WebhookStore.delete(db, id)
            try crm.apply(Change(.webhook, id: .int(id), .deleted, by: caller, at: crm.nowText), in: db)
            return ["id": .int(id), "deleted": true]
        }
    }

    /// The latest attempts, newest first: `{seq, attempt, at, status, error, durationMs, response, outcome}`.
    package func deliveries(_ id: Int64, limit: Int) throws -> JSON {
        try crm.pool.read { db in
            guard try WebhookStore.fetch(db, id) != nil else { throw CRMError.notFound("webhook", id) }
            return ["items": .array(try WebhookStore.deliveries(db, webhookID: id, limit: limit).map { row in
                [
                    "id": .int(try row.int64("id")), "seq": .int(try row.int64("seq")), "attempt": .int(try row.int64("attempt")),
                    "at": .string(try row.text("at")), "status": try row.optionalInt64("status").map(JSON.int) ?? .null,
                    "error": try row.optionalText("error").map(JSON.string) ?? .null, "durationMs": .int(try row.int64("duration_ms")),
                    "response": try row.optionalText("response").map(JSON.string) ?? .null, "outcome": .string(try row.text("outcome")),
                ]
            })]
        }
    }

    /// Posts event `seq` to the webhook again now, whatever its topics and cursor; the attempt
    /// is recorded and returned. 1002 when the event is no longer kept.
    package func redeliver(_ id: Int64, seq: Int64) throws -> JSON {
        let (webhook, event) = try crm.pool.read { db -> (WebhookStore.Webhook, Event) in
            guard let webhook = try WebhookStore.fetch(db, id) else { throw CRMError.notFound("webhook", id) }
            var query = EventService.Query()
            query.after = seq - 1
            query.limit = 1
            guard seq >= 1, let event = try EventService.page(db, query, access: nil).events.first, event.seq == seq else {
                throw CRMError.notFound(entityType: "event", id: .int(seq))
            }
            return (webhook, event)
        }
        let attempt = post(event, to: webhook, attempt: 0)
        try crm.pool.write { db in try WebhookStore.record(db, webhookID: id, attempt.record) }
        return attempt.json
    }

    // MARK: - Delivery

    /// One attempt's outcome.
    struct Outcome {
        var record: WebhookStore.Attempt
        /// Delivered (2xx); else whether it is to be tried again.
        var delivered: Bool { record.outcome == "delivered" }
        var retry: Bool { record.outcome == "retry" }

        var json: JSON {
            [
                "seq": .int(record.seq), "attempt": .int(record.attempt), "at": .string(record.at),
                "status": record.status.map { JSON.int(Int64($0)) } ?? .null, "error": record.error.map(JSON.string) ?? .null,
                "durationMs": .int(record.durationMs), "response": record.response.map(JSON.string) ?? .null,
                "outcome": .string(record.outcome),
            ]
        }
    }

    /// Posts one event, signed; never throws: a failure is an outcome.
    func post(_ event: Event, to webhook: WebhookStore.Webhook, attempt: Int64) -> Outcome {
        let now = crm.clock.now()
        let started = ContinuousClock.now
        var record = WebhookStore.Attempt(seq: event.seq, attempt: attempt, at: Timestamp.format(now), status: nil, error: nil, durationMs: 0,
                                          response: nil, outcome: "retry")
        guard let url = HTTPURL(webhook.url) else {
            record.error = "not an http:// URL"
            record.outcome = "failed"
            return Outcome(record: record)
        }
        let messageID = "evt_\(event.seq)"
        let signature = Self.signature(secret: webhook.secret, id: messageID, timestamp: now, body: event.json)
        let headers = [("Content-Type", "application/json"), ("webhook-id", messageID), ("webhook-timestamp", String(now)),
                       ("webhook-signature", signature)]
        do {
            let response = try HTTPClient.post(url, headers: headers, body: event.json, timeout: Self.timeout)
            record.status = response.status
            record.response = String(decoding: response.body, as: UTF8.self)
            switch response.status {
            case 200..<300: record.outcome = "delivered"
            case 408, 429: record.outcome = "retry"
            case 400..<500: record.outcome = "failed"
            default: record.outcome = "retry"
            }
        } catch {
            switch error {
            case .timeout: record.error = "no answer within \(Self.timeout)"
            case .connectionFailed(let text): record.error = text
            }
        }
        let elapsed = ContinuousClock.now - started
        record.durationMs = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        return Outcome(record: record)
    }

    /// `v1,<base64 HMAC-SHA256 of id.timestamp.body>` keyed by the secret's bytes.
    static func signature(secret: String, id: String, timestamp: Int64, body: [UInt8]) -> String {
        let key = Data(base64Encoded: String(secret.dropFirst(secretPrefix.count))).map(Array.init) ?? []
        let signed = Array("\(id).\(timestamp).".utf8) + body
        return "v1," + Data(HMACSHA256.authenticate(signed, key: key)).base64EncodedString()
    }

    /// Delivers what is due to every active webhook, each in seq order: up to `batch` events a
    /// webhook, stopping at its first failure. Returns how many events were handled.
    @discardableResult
    package func deliverDue() throws -> Int {
        let now = crm.clock.now()
        let webhooks = try crm.pool.read { db in try WebhookStore.all(db).filter { $0.active && ($0.nextAttemptAt ?? 0) <= now } }
        if webhooks.isEmpty { return 0 }
        let disableAfter = try crm.pool.read { db in try SettingsService.load(db)["webhookDisableAfterSeconds"]?.int64Value ?? 86_400 }
        var handled = 0
        for var webhook in webhooks {
            let topics = (try? JSON.parse(webhook.topics))?.arrayValue?.compactMap(\.stringValue) ?? []
            var query = EventService.Query()
            query.after = webhook.cursor
            query.limit = Self.batch
            query.topics = topics
            let (events, last) = try crm.pool.read { db in try EventService.page(db, query, access: nil) }
            var attempts: [WebhookStore.Attempt] = []
            for event in events {
                let outcome = post(event, to: webhook, attempt: webhook.attempts + 1)
                attempts.append(outcome.record)
                if outcome.retry {
                    let at = crm.clock.now()
                    webhook.attempts += 1
                    webhook.nextAttemptAt = at + min(Int64(1) << min(webhook.attempts - 1, 12), 3600)
                    webhook.failingSince = webhook.failingSince ?? at
                    if at - (webhook.failingSince ?? at) >= disableAfter {
                        webhook.active = false
                        webhook.disabledReason = "failing since \(Timestamp.format(webhook.failingSince ?? at))"
                    }
                    break
                }
                (webhook.cursor, webhook.attempts, webhook.nextAttemptAt, webhook.failingSince) = (event.seq, 0, nil, nil)
                handled += 1
            }
            // Nothing the webhook names up to the end of what was read: it is done with that too.
            if events.count < Self.batch, attempts.allSatisfy({ $0.outcome != "retry" }) { webhook.cursor = max(webhook.cursor, last) }
            let snapshot = webhook
            try crm.pool.write { db in
                // Only if nobody changed the webhook meanwhile (deleted, turned off, edited): else its state stands.
                guard let current = try WebhookStore.fetch(db, snapshot.id), current.updatedAt == snapshot.updatedAt,
                      current.cursor <= snapshot.cursor else { return }
                for attempt in attempts { try WebhookStore.record(db, webhookID: snapshot.id, attempt) }
                try WebhookStore.update(db, snapshot, at: current.updatedAt)
            }
        }
        return handled
    }

    // MARK: - Checks

    static func validate(url: String) throws {
        if url.lowercased().hasPrefix("https://") {
            throw CRMError.invalidValue(field: "url", reason: "httpsUnsupported",
                                        message: "crmd posts webhooks over http:// only (TLS needs a library crmd does not link): point it at a TLS-terminating proxy")
        }
        guard HTTPURL(url) != nil else {
            throw CRMError.invalidValue(field: "url", reason: "format", message: "'\(url)' is not an http:// URL (http://host[:port]/path)")
        }
    }

    /// A given secret: `whsec_` and the base64 of 24 to 64 random bytes.
    static func checked(_ secret: String) throws -> String {
        guard secret.hasPrefix(secretPrefix), let bytes = Data(base64Encoded: String(secret.dropFirst(secretPrefix.count))),
              (24...64).contains(bytes.count) else {
            throw CRMError.invalidValue(field: "secret", reason: "format", message: "a secret is whsec_ and the base64 of 24 to 64 random bytes")
        }
        return secret
    }

    static func generateSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return secretPrefix + Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64EncodedString()
    }

    static func json(_ webhook: WebhookStore.Webhook) throws -> JSON {
        [
            "id": .int(webhook.id), "url": .string(webhook.url), "topics": try JSON.parse(webhook.topics), "active": .bool(webhook.active),
            "cursor": .int(webhook.cursor), "attempts": .int(webhook.attempts),
            "nextAttemptAt": webhook.nextAttemptAt.map { .string(Timestamp.format($0)) } ?? .null,
            "failingSince": webhook.failingSince.map { .string(Timestamp.format($0)) } ?? .null,
            "disabledReason": webhook.disabledReason.map(JSON.string) ?? .null,
            "createdAt": .string(webhook.createdAt), "updatedAt": .string(webhook.updatedAt),
            "createdBy": webhook.createdBy.map(JSON.int) ?? .null,
        ]
    }
}

extension CRM {
    package var webhooks: WebhookService { WebhookService(crm: self) }
}
