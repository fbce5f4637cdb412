import Storage

/// The access check of every write: the first listener of the change funnel, so a change its
/// caller's roles do not allow undoes the whole write (1006 `{permission, entityType, id}`)
/// before anything derived from it is kept. A caller without `access` (robots, deliveries,
/// tools, the consequences a service makes on its own) is not limited.
///
/// A record is judged as it was before the change (an update, a stage move, a delete: what the
/// caller may touch) or, when it is new, as it is made (an add must fall within the add scope).
/// What belongs to a record (requisites, bank details, product rows, payments, public links)
/// is judged as an update of that record.
struct AccessListener: ChangeListener {
    func apply(_ change: Change, in db: Database, crm: CRM) throws {
        guard let access = change.caller.access else { return }
        if let record = change.record {
            let state = change.operation == .created ? change.after : change.before
            for action in Self.actions(change) {
                if action == .changeStage, let stage = change.data["to"]?.stringValue {
                    try requireStage(access, stage, record, state: state, db)
                } else {
                    try require(access, action, record, state: state, db)
                }
            }
            // A record added straight into a stage some role limits is judged by that limit too.
            if change.operation == .created, let stage = change.after?.columns["stageId"]?.string,
               access.allows(PermissionEntity(record.type), intoStage: stage, owner: nil) != nil {
                try requireStage(access, stage, record, state: state, db, adding: true)
            }
        } else if let owner = change.owner, Self.belongsToRecord.contains(change.entity) {
            try require(access, .update, owner, state: nil, db)
        } else if change.entity == .activity {
            // Judged by its responsible, as it was (as it is made, when new).
            let state = change.operation == .created ? change.after : change.before
            let owner = state.map(RecordOwner.init)
            for action in Self.actions(change) where !access.allows(.activity, action, owner: owner) {
                throw Access.denied(.activity, action, id: change.operation == .created ? nil : change.id.int64Value)
            }
        }
    }

    /// What a change of a record asks of its caller.
    static func actions(_ change: Change) -> [PermissionAction] {
        switch change.operation {
        case .created: [.add]
        case .deleted: [.delete]
        case .stageMoved:
            // Fields filled in with the move need `update` as well.
            change.fields.contains { !stageFields.contains($0.field) } ? [.changeStage, .update] : [.changeStage]
        case .statusChanged: [.changeStage]
        case .converted: change.entity == .lead ? [.convert] : [.update]
        case .commented: [.read]
        case .updated, .merged, .queued, .delivered, .failed, .revoked, .moved, .completed, .cancelled: [.update]
        }
    }

    /// What a stage move changes by itself.
    private static let stageFields: Set<String> = ["stageId", "pipelineId", "stageSemantic", "closedAt", "updatedAt", "updatedBy", "version"]

    /// Things judged by the record they belong to (`Change.owner`).
    private static let belongsToRecord: Set<ChangeEntity> = [.requisite, .bankDetail, .productRows, .payment, .publicLink]

    /// A move into `stage`: its limit where a role sets one, else `changeStage`.
    private func requireStage(_ access: Access, _ stage: String, _ record: RecordRef, state: RecordState?, _ db: Database,
                              adding: Bool = false) throws {
        let entity = PermissionEntity(record.type)
        let owner = try state.map(RecordOwner.init) ?? RecordStore(entity: record.type.descriptor).owner(db, record.id)
        guard let allowed = access.allows(entity, intoStage: stage, owner: owner) else {
            return try require(access, .changeStage, record, state: state, db)
        }
        if !allowed { throw Access.denied(entity, .changeStage, id: adding ? nil : record.id) }
    }

    private func require(_ access: Access, _ action: PermissionAction, _ record: RecordRef, state: RecordState?, _ db: Database) throws {
        let entity = PermissionEntity(record.type)
        guard record.type.hasOwner, !access.reach(entity, action).contains(.all) else {
            return try access.require(entity, action)
        }
        let owner = try state.map(RecordOwner.init) ?? RecordStore(entity: record.type.descriptor).owner(db, record.id)
        // A record being added has no id to tell yet: its insert is undone with the refusal.
        guard action != .add else {
            if !access.allows(entity, action, owner: owner) { throw Access.denied(entity, action, id: nil) }
            return
        }
        try access.require(entity, action, id: record.id, owner: owner)
    }
}
