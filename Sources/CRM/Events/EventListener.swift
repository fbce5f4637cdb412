import JSONKit
import Storage

/// Appends every change to the event log inside the change's own transaction, so a rolled-back
/// write leaves no event and an acknowledged one always has its event; and attaches the
/// `Event` to the write, so that subscriptions get it from the commit without reading it back.
struct EventListener: ChangeListener {
    /// Things whose events are about the record they belong to (`Change.owner`).
    static let belongsToRecord: Set<ChangeEntity> = [.requisite, .bankDetail, .productRows, .payment, .publicLink, .invoiceDocument]

    func apply(_ change: Change, in db: Database, crm: CRM) throws {
        let topic = EventTopic.topic(of: change)
        var record = change.record
        var owner: RecordOwner?
        let audience: EventAudience
        if let changed = change.record {
            audience = .record(changed.type)
            if changed.type.hasOwner {
                owner = try change.recordOwner ?? (change.after ?? change.before).map(RecordOwner.init)
                    ?? RecordStore(entity: changed.type.descriptor).owner(db, changed.id)
            }
        } else if let belongs = change.owner, Self.belongsToRecord.contains(change.entity) {
            record = belongs
            audience = .record(belongs.type)
            if belongs.type.hasOwner { owner = try change.recordOwner ?? RecordStore(entity: belongs.type.descriptor).owner(db, belongs.id) }
        } else if change.entity == .activity {
            audience = .activities
            owner = (change.after ?? change.before).map(RecordOwner.init)
        } else {
            switch change.entity {
            case .user, .department, .role: audience = .users
            case .token: audience = .tokens
            default: audience = .settings
            }
        }
        var data = change.data
        if !change.fields.isEmpty { data["fields"] = .array(change.fields.map(\.json)) }
        if let belongs = change.owner { data["owner"] = ["entityType": .string(belongs.type.rawValue), "id": .int(belongs.id)] }
        let body: JSON = [
            "topic": .string(topic), "entityType": .string(change.entity.rawValue), "id": change.id,
            "actor": change.caller.userID.map(JSON.int) ?? .null, "cause": .string(change.caller.cause.description),
            "at": .string(change.at), "data": .object(data),
        ]
        let text = body.text
        let seq = try EventStore.insert(db, topic: topic, audience: audience.rawValue, record: record, owner: owner, at: change.at, body: text)
        db.attachCommitNote(Event(seq: seq, topic: topic, audience: audience, owner: owner, body: text))
    }
}
