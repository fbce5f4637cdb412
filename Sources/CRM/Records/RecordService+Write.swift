import JSONKit
import Storage

extension RecordService {
    /// Creates a record. Its stage is `fields.stageId` or the first stage of the default
    /// pipeline, whose requirements apply (S2). A retried call with the same
    /// `idempotencyKey` returns the record created the first time.
    package func add(fields: [String: JSON], idempotencyKey: String?, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in try create(db, fields: fields, idempotencyKey: idempotencyKey, by: caller) }
    }

    /// Creates many records in one transaction (imports, seeding): all of them or none.
    package func addMany(_ items: [[String: JSON]], by caller: Caller) throws -> [Int64] {
        try crm.pool.write { db in
            try items.map { fields in try create(db, fields: fields, by: caller)["id"]?.int64Value ?? 0 }
        }
    }

    /// `add` inside a caller's transaction.
    func create(_ db: Database, fields: [String: JSON], idempotencyKey: String? = nil, by caller: Caller,
                data: [String: JSON] = [:]) throws -> JSON {
        if let key = idempotencyKey, let existing = try IdempotencyStore.lookup(db, entity.type.rawValue, key: key, by: caller) {
            return try load(db, existing).json(entity)
        }
        let now = crm.nowText
        var state = RecordState()
        let placement = try apply(fields, to: &state, db: db)
        // A record added through a session without naming a responsible is the caller's;
        // an explicit null leaves it without one.
        if let access = caller.access, entity.field("assignedTo").map({ !$0.isReadOnly }) == true, fields["assignedTo"] == nil {
            state.columns["assignedTo"] = .integer(access.userID)
        }
        if entity.hasStages {
            let (pipeline, stage) = try resolveStage(placement, current: nil, db: db)
            try enter(stage, of: pipeline, state: &state, id: nil, db: db)
        }
        try checkAlwaysRequired(state, id: nil, db: db)
        for (name, value) in entity.defaults where state.columns[name] == nil || state.columns[name] == .null {
            state.columns[name] = value
        }
        state.columns["createdAt"] = .text(now)
        state.columns["updatedAt"] = .text(now)
        state.columns["createdBy"] = SQLValue(caller.userID)
        state.columns["updatedBy"] = SQLValue(caller.userID)
        state.columns["version"] = .integer(1)
        let id = try store.insert(db, state)
        state.columns["id"] = .integer(id)
        try record(db, created: id, state: state, by: caller, at: now, data: data)
        if let key = idempotencyKey { try IdempotencyStore.remember(db, entity.type.rawValue, key: key, by: caller, id: id, at: now) }
        return state.json(entity)
    }

    /// Tells the funnel a record was inserted with `state`.
    func record(_ db: Database, created id: Int64, state: RecordState, by caller: Caller, at now: String, owner: RecordRef? = nil,
                data: [String: JSON] = [:]) throws {
        var facts = data
        if entity.hasStages { facts["stageId"] = state.value("stageId", entity) }
        var change = Change(ChangeEntity(entity.type), id: .int(id), .created, by: caller, at: now, owner: owner, data: facts)
        change.after = state
        try crm.apply(change, in: db)
    }

    /// Changes the given fields. A changed `stageId` is a move that must satisfy the target
    /// stage's requirements (S4); the record as changed must satisfy its stage in any case.
    /// With `expectedVersion`, a record changed meanwhile is 1005 `version`.
    package func update(id: Int64, fields: [String: JSON], expectedVersion: Int64?, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in try change(db, id: id, fields: fields, expectedVersion: expectedVersion, by: caller) }
    }

    /// `update` inside a caller's transaction. `data` adds facts to the change (why it was made).
    func change(_ db: Database, id: Int64, fields: [String: JSON], expectedVersion: Int64? = nil, by caller: Caller,
                converting: Bool = false, data: [String: JSON] = [:]) throws -> JSON {
        let old = try load(db, id)
        // Judged before anything about the record is told (its version, what its stage lacks):
        // either action may apply, and the change funnel judges which the change needs.
        if let access = caller.access, entity.ownerPositions != nil {
            let permission = PermissionEntity(entity.type), owner = RecordOwner(old)
            if !access.allows(permission, .update, owner: owner) && !access.allows(permission, .changeStage, owner: owner) {
                throw Access.denied(permission, Access.refusedUpdate(fields.keys), id: id)
            }
        }
        let version = old.columns["version"]?.int64 ?? 0
        if let expectedVersion, expectedVersion != version {
            throw CRMError.conflict(reason: "version", details: ["currentVersion": .int(version), "expectedVersion": .int(expectedVersion)])
        }
        try entity.hooks.willChange?(old, id)
        var state = old
        let placement = try apply(fields, to: &state, db: db)
        for (name, value) in entity.defaults where state.columns[name] == .null { state.columns[name] = value }
        if entity.hasStages {
            let (pipeline, stage) = try resolveStage(placement, current: old.columns["stageId"]?.string, db: db)
            try enter(stage, of: pipeline, state: &state, id: id, db: db, converting: converting)
        }
        try checkAlwaysRequired(state, id: id, db: db)
        return try write(db, id: id, from: old, to: state, by: caller, data: data).json(entity)
    }

    /// Stores `new` over `old` (only the fields that differ, with a new version) and tells the
    /// funnel as `operation` (else an update or a stage move). Returns the record as stored:
    /// `old` when nothing differs and no operation was named.
    @discardableResult
    func write(_ db: Database, id: Int64, from old: RecordState, to new: RecordState, by caller: Caller,
               operation: ChangeOperation? = nil, data: [String: JSON] = [:]) throws -> RecordState {
        let changes = changedFields(old, new)
        if changes.isEmpty && operation == nil { return old }
        var state = new
        let now = crm.nowText
        state.columns["updatedAt"] = .text(now)
        state.columns["updatedBy"] = SQLValue(caller.userID)
        state.columns["version"] = .integer((old.columns["version"]?.int64 ?? 0) + 1)
        try store.update(db, id: id, state, fields: changes + ["updatedAt", "updatedBy", "version"])
        let moved = changes.contains("stageId")
        var facts = data
        if moved {
            facts["from"] = old.value("stageId", entity)
            facts["to"] = state.value("stageId", entity)
        }
        var change = Change(ChangeEntity(entity.type), id: .int(id), operation ?? (moved ? .stageMoved : .updated), by: caller, at: now,
                            fields: changes.map { FieldChange(field: $0, old: old.value($0, entity), new: state.value($0, entity)) },
                            data: facts)
        change.before = old
        change.after = state
        try crm.apply(change, in: db)
        return state
    }

    /// Deletes a record. Records that point at it lose the link as a change of theirs, its
    /// requisites are deleted with it, and the timeline keeps a `deleted` entry.
    package func delete(id: Int64, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            let old = try load(db, id)
            try check(caller.access, .delete, id: id, old)
            // What follows from the delete (links cleared, requisites gone) is not the caller's to be allowed.
            let consequence = caller.unlimited
            try relink(db, from: id, to: .null, by: consequence, data: ["reason": "linkedRecordDeleted"])
            if RequisiteService.owners.contains(entity.type) {
                try crm.requisites.deleteAll(db, owner: RecordRef(entity.type, id), by: consequence)
            }
            try store.delete(db, id: id)
            var change = Change(ChangeEntity(entity.type), id: .int(id), .deleted, by: caller, at: crm.nowText)
            change.before = old
            try crm.apply(change, in: db)
            return ["id": .int(id), "deleted": true]
        }
    }

    /// Points every record that links to `id` at `target` instead (a merge), or at nothing (a
    /// delete), each as a change of that record's own.
    func relink(_ db: Database, from id: Int64, to target: SQLValue, by caller: Caller, data: [String: JSON]) throws {
        for other in EntityType.allCases {
            let service = crm.records(other)
            for field in other.descriptor.fields where field.linkTarget == entity.type && !field.isReadOnly {
                for otherID in try RecordStore.referencing(db, other.descriptor, field, id: id) {
                    let old = try service.load(db, otherID)
                    var relinked = old
                    relinked.columns[field.name] = target
                    try service.write(db, id: otherID, from: old, to: relinked, by: caller, data: data)
                }
            }
        }
    }

    var store: RecordStore { RecordStore(entity: entity) }

    /// Names of the fields whose API value differs, built-in first, then `custom.code`.
    func changedFields(_ old: RecordState, _ new: RecordState) -> [String] {
        var names = entity.storedFields.map(\.name).filter { old.columns[$0] ?? .null != new.columns[$0] ?? .null }
        let codes = Set(old.custom.keys).union(new.custom.keys).sorted()
        names += codes.filter { old.custom[$0] != new.custom[$0] }.map { "custom." + $0 }
        return names
    }
}
