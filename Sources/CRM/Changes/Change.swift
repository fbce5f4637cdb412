import JSONKit

/// Why a change happened: the call, robot, delivery or import that made it.
package enum ChangeCause: Sendable, Equatable, CustomStringConvertible {
    /// A JSON-RPC call of this method.
    case call(String)
    /// An automation rule acting on its own (a comment written by a robot).
    case robot(ruleID: Int64)
    /// The outbox reporting on a message it delivered or gave up on.
    case delivery
    /// Bulk loading (seeding, imports) of this kind.
    case `import`(String)
    /// A direct call into the engine, not through the API (tools, tests).
    case direct

    package var description: String {
        switch self {
        case .call(let method): "call:\(method)"
        case .robot(let ruleID): "robot:\(ruleID)"
        case .delivery: "delivery"
        case .import(let kind): "import:\(kind)"
        case .direct: "direct"
        }
    }
}

/// Who changes something, and why: every write of the engine takes one.
package struct Caller: Sendable, Equatable {
    /// The user the change is recorded for (`createdBy`, `updatedBy`, timeline author); nil
    /// for the system (robots, deliveries).
    package let userID: Int64?
    package let cause: ChangeCause
    /// What the caller may do and reach; the change funnel refuses what it does not allow
    /// (`AccessListener`). Nil for the system and for direct calls into the engine: not limited.
    package let access: Access?

    package init(userID: Int64?, cause: ChangeCause, access: Access? = nil) {
        self.userID = userID
        self.cause = cause
        self.access = access
    }

    /// A user acting directly or through the given cause.
    package static func user(_ id: Int64, cause: ChangeCause = .direct) -> Caller { Caller(userID: id, cause: cause) }

    /// A session's user calling `method`, limited by the session's access.
    package static func session(_ access: Access, method: String) -> Caller {
        Caller(userID: access.userID, cause: .call(method), access: access)
    }

    /// The same caller, not limited by access: for what follows from an allowed change by
    /// itself (links cleared when a record is deleted), recorded as the caller's.
    package var unlimited: Caller { Caller(userID: userID, cause: cause) }

    /// The system acting on its own.
    package static func system(_ cause: ChangeCause) -> Caller { Caller(userID: nil, cause: cause) }
}

/// What kind of thing changed: a record type, or one of the things that belong to records or
/// configure the engine.
package enum ChangeEntity: String, Sendable, CaseIterable {
    case lead, contact, company, deal, product, invoice
    case requisite, bankDetail, productRows, payment, publicLink
    case settings, pipeline, stage, field, template, automation, user, webhook
    /// The team: departments, roles, and API tokens (never their secrets).
    case department, role, token
    /// Meetings, calls and tasks; the resources they book; work schedules and the production calendar.
    case activity, resource, calendar
    /// A text message sent to a number no record holds (one about a record is told on the record).
    case sms
    /// A payment read from a bank statement (matched to an invoice, waiting for review, or ignored).
    case bankPayment
    /// The exchange with 1C: how far it acknowledged the invoices exported to it (`id` "1c").
    case exchange
    /// A document attached to an invoice (акт, накладная, УПД, счёт-фактура); `owner` is the invoice.
    case invoiceDocument

    package init(_ type: EntityType) { self.init(rawValue: type.rawValue)! }

    /// The record type, when this is one.
    package var recordType: EntityType? { EntityType(rawValue: rawValue) }
}

/// What happened to it.
package enum ChangeOperation: String, Sendable {
    case created, updated, deleted
    /// A record moved to another stage (with any fields filled in the same call).
    case stageMoved
    /// A lead turned into a deal, contact and company; or one of those made from it.
    case converted
    /// Other records were merged into this one.
    case merged
    /// An invoice's status changed (by hand, by a payment, by sending it).
    case statusChanged
    /// A comment on a record's timeline.
    case commented
    /// A message was put in the outbox for delivery.
    case queued
    /// The outbox delivered a message, or gave up on it.
    case delivered, failed
    /// A public link was made, or revoked.
    case revoked
    /// An activity's time changed (a meeting moved, a task's deadline put off).
    case moved
    /// An activity was done, or called off.
    case completed, cancelled
}

/// One field's value before and after a change, in API form.
package struct FieldChange: Sendable, Equatable {
    package let field: String
    package let old: JSON
    package let new: JSON

    package init(field: String, old: JSON, new: JSON) {
        self.field = field
        self.old = old
        self.new = new
    }

    package var json: JSON { ["field": .string(field), "old": old, "new": new] }

    /// The keys whose values differ between two objects, sorted, skipping `ignoring`.
    package static func differences(_ old: JSON, _ new: JSON, ignoring: Set<String> = []) -> [FieldChange] {
        let before = old.objectValue ?? [:], after = new.objectValue ?? [:]
        return Set(before.keys).union(after.keys).subtracting(ignoring).sorted().compactMap { key in
            before[key] == after[key] ? nil : FieldChange(field: key, old: before[key] ?? .null, new: after[key] ?? .null)
        }
    }
}

/// A record, by type and id.
package struct RecordRef: Sendable, Hashable {
    package let type: EntityType
    package let id: Int64

    package init(_ type: EntityType, _ id: Int64) {
        self.type = type
        self.id = id
    }
}

/// One change to one thing, as the change funnel (`CRM.apply(_:in:)`) hands it to every
/// listener inside the write's transaction and to commit observers once it is durable.
package struct Change: Sendable {
    package let entity: ChangeEntity
    /// The id of what changed: a number for records and rows, a code or key for definitions.
    package let id: JSON
    package let operation: ChangeOperation
    /// The fields changed, with old and new values in API form.
    package var fields: [FieldChange]
    package let caller: Caller
    /// When, as stored (`2026-11-29T10:15:00Z`).
    package let at: String
    /// The record this belongs to: a requisite's company, a payment's invoice, an invoice's deal.
    package var owner: RecordRef?
    /// The operation's own facts (a stage move's `from`/`to`, what a conversion made, what a
    /// message was, a comment's text).
    package var data: [String: JSON]
    /// A record's stored state before and after the change, for listeners that maintain
    /// derived data (indexes, keys) from it.
    var before: RecordState?
    var after: RecordState?
    /// The responsible and open mark of the record this change is about (of the record it
    /// belongs to, for a payment or a requisite), when the service making it has read them in
    /// this write already: listeners take them from here instead of reading them again.
    var recordOwner: RecordOwner?

    package init(_ entity: ChangeEntity, id: JSON, _ operation: ChangeOperation, by caller: Caller, at: String,
                 fields: [FieldChange] = [], owner: RecordRef? = nil, data: [String: JSON] = [:]) {
        self.entity = entity
        self.id = id
        self.operation = operation
        self.caller = caller
        self.at = at
        self.fields = fields
        self.owner = owner
        self.data = data
    }

    /// The changed record, when a record changed.
    package var record: RecordRef? {
        guard let type = entity.recordType, let id = id.int64Value else { return nil }
        return RecordRef(type, id)
    }

    /// The change as data (logs, tests, the event log to come).
    package var json: JSON {
        var object: [String: JSON] = [
            "entity": .string(entity.rawValue), "id": id, "operation": .string(operation.rawValue),
            "actor": caller.userID.map(JSON.int) ?? .null, "cause": .string(caller.cause.description), "at": .string(at),
        ]
        if !fields.isEmpty { object["fields"] = .array(fields.map(\.json)) }
        if let owner { object["owner"] = ["entityType": .string(owner.type.rawValue), "id": .int(owner.id)] }
        if !data.isEmpty { object["data"] = .object(data) }
        return .object(object)
    }
}
