import JSONKit
import Storage

extension RecordService {
    /// Creates a record. Its stage is `fields.stageId` or the first stage of the default
    /// pipeline, whose requirements apply (S2). A retried call with the same
    /// `idempotencyKey` returns the record created the first time.
    package func add(fields: [String: JSON], idempotencyKey: String?, actor: Int64) throws -> JSON {
        try crm.pool.write { db in try create(db, fields: fields, idempotencyKey: idempotencyKey, actor: actor) }
    }

    /// Creates many records in one transaction (imports, seeding): all of them or none.
    package func addMany(_ items: [[String: JSON]], actor: Int64) throws -> [Int64] {
        try crm.pool.write { db in
            try items.map { fields in try create(db, fields: fields, actor: actor)["id"]?.int64Value ?? 0 }
        }
    }

    /// `add` inside a caller's transaction.
    func create(_ db: Database, fields: [String: JSON], idempotencyKey: String? = nil, actor: Int64) throws -> JSON {
        let scope = entity.type.rawValue
        if let key = idempotencyKey, let existing = try Idempotency.lookup(db, scope: scope, key: key) {
            return try load(db, existing).json(entity)
        }
        let now = crm.nowText
        var state = RecordState()
        let placement = try apply(fields, to: &state, db: db)
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
        state.columns["createdBy"] = .integer(actor)
        state.columns["updatedBy"] = .integer(actor)
        state.columns["version"] = .integer(1)
        let writable = entity.storedFields.filter { $0.name != "id" }
        let columns = writable.compactMap(\.column) + ["custom"]
        let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        try db.execute("INSERT INTO \(entity.table) (\(columns.joined(separator: ", "))) VALUES (\(placeholders))",
                       writable.map { defaultValue(state.columns[$0.name], $0) } + [.text(JSON.object(state.custom).text)])
        let id = db.lastInsertRowID
        state.columns["id"] = .integer(id)
        try RecordIndexes.write(db, entity, id: id, state: state)
        var created: [String: JSON] = [:]
        if entity.hasStages { created["stageId"] = state.value("stageId", entity) }
        try TimelineService.append(db, entity.type, id, .created, author: actor, at: now, data: .object(created))
        if entity.hasStages, let stageID = state.columns["stageId"]?.string, let pipelineID = state.columns["pipelineId"]?.int64 {
            try AutomationEngine.recordPlaced(db, clock: crm.clock, entity: entity.type, id: id, pipelineId: pipelineID,
                                              stageId: stageID, created: true)
        }
        if let key = idempotencyKey { try Idempotency.remember(db, scope: scope, key: key, id: id, at: now) }
        return state.json(entity)
    }

    /// Changes the given fields. A changed `stageId` is a move that must satisfy the target
    /// stage's requirements (S4); the record as changed must satisfy its stage in any case.
    /// With `expectedVersion`, a record changed meanwhile is 1005 `version`.
    package func update(id: Int64, fields: [String: JSON], expectedVersion: Int64?, actor: Int64) throws -> JSON {
        try crm.pool.write { db in try change(db, id: id, fields: fields, expectedVersion: expectedVersion, actor: actor) }
    }

    /// `update` inside a caller's transaction.
    func change(_ db: Database, id: Int64, fields: [String: JSON], expectedVersion: Int64? = nil, actor: Int64,
                converting: Bool = false) throws -> JSON {
        let old = try load(db, id)
        let version = old.columns["version"]?.int64 ?? 0
        if let expectedVersion, expectedVersion != version {
            throw CRMError.conflict(reason: "version", details: ["currentVersion": .int(version), "expectedVersion": .int(expectedVersion)])
        }
        if old.columns["convertedAt"].map({ !$0.isNull }) ?? false {
            throw CRMError.conflict(reason: "converted", details: ["entityType": .string(entity.type.rawValue), "id": .int(id)])
        }
        var state = old
        let placement = try apply(fields, to: &state, db: db)
        for (name, value) in entity.defaults where state.columns[name] == .null { state.columns[name] = value }
        if entity.hasStages {
            let (pipeline, stage) = try resolveStage(placement, current: old.columns["stageId"]?.string, db: db)
            try enter(stage, of: pipeline, state: &state, id: id, db: db, converting: converting)
        }
        try checkAlwaysRequired(state, id: id, db: db)
        let changes = changedFields(old, state)
        if changes.isEmpty { return old.json(entity) }
        let now = crm.nowText
        state.columns["updatedAt"] = .text(now)
        state.columns["updatedBy"] = .integer(actor)
        state.columns["version"] = .integer(version + 1)
        try save(db, id: id, state: state)
        try appendChanges(db, id: id, old: old, new: state, changes: changes, actor: actor, at: now)
        if changes.contains("stageId"), let stageID = state.columns["stageId"]?.string, let pipelineID = state.columns["pipelineId"]?.int64 {
            try AutomationEngine.recordPlaced(db, clock: crm.clock, entity: entity.type, id: id, pipelineId: pipelineID,
                                              stageId: stageID, created: false)
        }
        return state.json(entity)
    }

    /// Deletes a record and its index entries; the timeline keeps a `deleted` entry.
    package func delete(id: Int64, actor: Int64) throws -> JSON {
        try crm.pool.write { db in
            try Self.requireExists(db, entity, id)
            // Records that point here lose the link as a change of theirs (version, time, author).
            for other in EntityType.allCases {
                for field in other.descriptor.fields where field.linkTarget == entity.type && !field.isReadOnly {
                    guard let column = field.column else { continue }
                    try db.execute("UPDATE \(other.descriptor.table) SET \(column) = NULL, version = version + 1, updated_at = ?, "
                                   + "updated_by = ? WHERE \(column) = ?", [.text(crm.nowText), .integer(actor), .integer(id)])
                }
            }
            // Requisites (and their bank details) belong to their owner.
            try db.execute("DELETE FROM requisites WHERE entity_type = ? AND entity_id = ?", [.text(entity.type.rawValue), .integer(id)])
            try db.execute("DELETE FROM match_keys WHERE entity_type = ? AND entity_id = ?", [.text(entity.type.rawValue), .integer(id)])
            try RecordIndexes.remove(db, entity, id: id)
            try db.execute("DELETE FROM \(entity.table) WHERE id = ?", [.integer(id)])
            try TimelineService.append(db, entity.type, id, .deleted, author: actor, at: crm.nowText)
            return ["id": .int(id), "deleted": true]
        }
    }

    /// Writes every column of an existing record and refreshes its indexes.
    func save(_ db: Database, id: Int64, state: RecordState) throws {
        let writable = entity.storedFields.filter { $0.name != "id" && $0.name != "createdAt" && $0.name != "createdBy" }
        let assignments = (writable.compactMap(\.column) + ["custom"]).map { "\($0) = ?" }.joined(separator: ", ")
        try db.execute("UPDATE \(entity.table) SET \(assignments) WHERE id = ?",
                       writable.map { defaultValue(state.columns[$0.name], $0) } + [.text(JSON.object(state.custom).text), .integer(id)])
        try RecordIndexes.write(db, entity, id: id, state: state, replacing: true)
    }

    private func defaultValue(_ value: SQLValue?, _ field: FieldDefinition) -> SQLValue {
        if let value { return value }
        return field.kind == .phones || field.kind == .emails ? .text("[]") : .null
    }

    /// Names of the fields whose API value differs, built-in first, then `custom.code`.
    private func changedFields(_ old: RecordState, _ new: RecordState) -> [String] {
        var names = entity.storedFields.map(\.name).filter { old.columns[$0] ?? .null != new.columns[$0] ?? .null }
        let codes = Set(old.custom.keys).union(new.custom.keys).sorted()
        names += codes.filter { old.custom[$0] != new.custom[$0] }.map { "custom." + $0 }
        return names
    }

    private func appendChanges(_ db: Database, id: Int64, old: RecordState, new: RecordState, changes: [String], actor: Int64, at: String) throws {
        let derived: Set<String> = ["stageId", "pipelineId", "stageSemantic", "closedAt"]
        let fieldChanges = changes.filter { !derived.contains($0) }.map { name -> JSON in
            ["field": .string(name), "old": old.value(name, entity), "new": new.value(name, entity)]
        }
        // One entry per call: a stage move carries the fields filled with it.
        if changes.contains("stageId") {
            var data: [String: JSON] = ["from": old.value("stageId", entity), "to": new.value("stageId", entity)]
            if !fieldChanges.isEmpty { data["changes"] = .array(fieldChanges) }
            try TimelineService.append(db, entity.type, id, .stageChanged, author: actor, at: at, data: .object(data))
        } else if !fieldChanges.isEmpty {
            try TimelineService.append(db, entity.type, id, .updated, author: actor, at: at, data: ["changes": .array(fieldChanges)])
        }
    }
}
