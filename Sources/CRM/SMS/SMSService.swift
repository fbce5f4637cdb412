import JSONKit
import Storage

/// Text messages (issue 13): `sms.send` and the robots put a message in the SMS outbox inside
/// their own transaction, and the background jobs deliver it through the transport of
/// `settings.sms` (`SMSService+Delivery.swift`). Every message and its outcome is a change
/// through the funnel: `queued`, then `delivered` (sent) or `failed`, on the record it was sent
/// about (its timeline shows them) or, for a bare number, on the message itself (`sms`).
package struct SMSService: Sendable {
    let crm: CRM

    /// The record types whose phones a message can be sent to.
    static let recordTypes: Set<EntityType> = [.lead, .contact, .company]

    /// `sms.send`: to `to`, or to the first phone of `record` when `to` is not given.
    package func send(to: String?, record: RecordRef?, text: String, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            let raw: String
            if let to {
                raw = to
            } else if let record {
                raw = try Self.firstPhone(db, record)
            } else {
                throw CRMError.invalidParam("", "give `to`, or `entityType` and `id` of a record with a phone")
            }
            return try enqueue(db, to: raw, text: text, record: record, by: caller)
        }
    }

    /// Puts a message in the outbox inside the caller's write transaction and returns it as
    /// `sms.get` would: for the robots and `sms.send`. The number is normalized (1007 `{field:
    /// "to", reason: "phone"}` when it cannot be a phone); `record`, when given, must be a lead,
    /// contact or company the caller may read. The message is delivered after the transaction
    /// commits (a rolled-back call sends nothing).
    package func enqueue(_ db: Database, to rawPhone: String, text: String, record: RecordRef?, by caller: Caller,
                         data: [String: JSON] = [:]) throws -> JSON {
        let number = try SMSNumber.required(rawPhone, field: "to")
        guard !text.trimmingSpaces().isEmpty else { throw CRMError.invalidValue(field: "text", reason: "required", message: "the text is empty") }
        if let record {
            guard Self.recordTypes.contains(record.type) else {
                throw CRMError.invalidValue(field: "entityType", reason: "option", message: "an SMS is sent about a lead, contact or company")
            }
            try RecordService.requireExists(db, record.type.descriptor, record.id)
            try AccessService.require(caller.access, .read, record, db)
        }
        let segments = SMSSegments(text)
        let now = crm.clock.now()
        let id = try SMSStore.insert(db, number: number, text: text, segments: segments, record: record, createdBy: caller.userID,
                                     data: data, at: now)
        var facts: [String: JSON] = ["smsId": .int(id), "channel": "sms", "to": .string(number), "text": .string(text)]
        facts.merge(segments.json) { a, _ in a }
        facts.merge(data) { a, _ in a }
        try crm.apply(Self.change(id: id, record: record, .queued, by: caller, at: Timestamp.format(now), data: facts), in: db)
        guard let message = try SMSStore.message(db, id) else { throw CRMError.notFound("sms", id) }
        return message
    }

    /// `sms.get`: a message about a record the caller may read; one about no record (or one
    /// deleted since) needs `settings.read`.
    package func get(_ id: Int64, access: Access?) throws -> JSON {
        try crm.pool.read { db in
            guard let record = try SMSStore.record(db, id) else { throw CRMError.notFound("sms", id) }
            try Self.requireRead(access, record, db)
            guard let message = try SMSStore.message(db, id) else { throw CRMError.notFound("sms", id) }
            return message
        }
    }

    /// `sms.list`: the messages of one record (read access to it), or all of them (`settings.read`),
    /// by id after `after`, of one status when given. `next` is the id to pass as `after` for
    /// the next page, null on the last.
    package func list(status: String?, record: RecordRef?, limit: Int, after: Int64?, access: Access?) throws -> JSON {
        try crm.pool.read { db in
            if let record {
                try RecordService.requireExists(db, record.type.descriptor, record.id)
                try AccessService.require(access, .read, record, db)
            } else {
                try access?.require(.settings, .read)
            }
            let items = try SMSStore.list(db, status: status, record: record, after: after, limit: limit + 1)
            let page = Array(items.prefix(limit))
            return ["items": .array(page), "next": items.count > limit ? page.last?["id"] ?? .null : .null]
        }
    }

    /// `settings.sms`: merges `patch` into `settings.sms` as `settings.update` merges (a secret
    /// given back as `********` keeps the stored one) and returns the result, secrets masked.
    package func configure(_ patch: [String: JSON], by caller: Caller) throws -> JSON {
        let settings = try crm.settings.update(["sms": .object(patch)], by: caller)
        return settings["sms"] ?? .object([:])
    }

    /// The change that tells of a message: on its record, or on the message itself.
    static func change(id: Int64, record: RecordRef?, _ operation: ChangeOperation, by caller: Caller, at: String,
                       data: [String: JSON]) -> Change {
        if let record {
            return Change(ChangeEntity(record.type), id: .int(record.id), operation, by: caller, at: at, data: data)
        }
        return Change(.sms, id: .int(id), operation, by: caller, at: at, data: data)
    }

    /// The first phone of a lead, contact or company; 1007 `{field: "to", reason: "noPhone"}` when it has none.
    static func firstPhone(_ db: Database, _ record: RecordRef) throws -> String {
        guard recordTypes.contains(record.type) else {
            throw CRMError.invalidValue(field: "entityType", reason: "option", message: "an SMS is sent about a lead, contact or company")
        }
        guard let json = try RecordService.loadJSON(db, record.type.descriptor, record.id) else {
            throw CRMError.notFound(record.type.rawValue, record.id)
        }
        guard let phone = json["phones"]?.arrayValue?.lazy.compactMap({ $0["value"]?.stringValue }).first(where: { !$0.isEmpty }) else {
            throw CRMError.invalidValue(field: "to", reason: "noPhone", message: "\(record.type.rawValue) \(record.id) has no phone: give `to`")
        }
        return phone
    }

    static func requireRead(_ access: Access?, _ record: RecordRef?, _ db: Database) throws {
        guard let access else { return }
        if let record {
            do {
                return try AccessService.require(access, .read, record, db)
            } catch CRMError.notFound {
                // The record is gone: the message is the administrator's to read.
            }
        }
        try access.require(.settings, .read)
    }
}

extension CRM {
    /// Text messages: sending, the outbox, delivery.
    package var sms: SMSService { SMSService(crm: self) }
}
