import JSONKit
import Storage

/// Records of one entity type: create, read, change, delete, list, describe. Written once
/// against an `EntityDescriptor`, so every entity with a table gets the same behaviour:
/// validation by field kind, stage requirements, timeline, full-text and contact-key indexes.
package struct RecordService: Sendable {
    let crm: CRM
    let entity: EntityDescriptor

    /// The record, if `access` (when given) reaches it for reading.
    package func get(_ id: Int64, access: Access? = nil) throws -> JSON {
        try crm.pool.read { db in
            let state = try load(db, id)
            try check(access, .read, id: id, state)
            return state.json(entity)
        }
    }

    /// Throws 1006 unless `access` (when given) reaches the record in `state` for `action`.
    func check(_ access: Access?, _ action: PermissionAction, id: Int64, _ state: RecordState) throws {
        guard let access, entity.ownerPositions != nil else { return }
        try access.require(PermissionEntity(entity.type), action, id: id, owner: RecordOwner(state))
    }

    /// `get`'s result written as JSON text straight from the row, in one statement; a row the
    /// direct path does not vouch for is read again through `RecordState` (same bytes, or the
    /// same report of damaged data).
    package func encoded(_ id: Int64, access: Access? = nil) throws -> EncodedJSON {
        let permission = PermissionEntity(entity.type)
        let judged = access.flatMap { access in entity.ownerPositions.map { (access, $0) } }
            .flatMap { access, positions in access.reach(permission, .read).contains(.all) ? nil : (access, positions) }
        return try crm.pool.readStatement { db in
            var out: [UInt8] = []
            out.reserveCapacity(1024)
            let written = try store.withRow(db, id) { row in
                guard let row else { throw CRMError.notFound(entity.type.rawValue, id) }
                if let (access, positions) = judged {
                    let assigned = row.storageClass(positions.assignedTo) == .integer ? row.int64(positions.assignedTo) : nil
                    let owner = RecordOwner(assignedTo: assigned, opened: row.int64(positions.opened) == 1)
                    try access.require(permission, .read, id: id, owner: owner)
                }
                return entity.encoder.write(row, into: &out)
            }
            return EncodedJSON(written: written ? out : try load(db, id).json(entity).serialized())
        }
    }

    /// The record's current state, or 1002.
    func load(_ db: Database, _ id: Int64) throws -> RecordState {
        guard let state = try store.load(db, id) else { throw CRMError.notFound(entity.type.rawValue, id) }
        return state
    }

    /// The API form of a record, or nil if there is none with that id.
    static func loadJSON(_ db: Database, _ entity: EntityDescriptor, _ id: Int64) throws -> JSON? {
        try RecordStore(entity: entity).load(db, id)?.json(entity)
    }

    /// Throws 1002 unless a record with that id exists.
    static func requireExists(_ db: Database, _ entity: EntityDescriptor, _ id: Int64) throws {
        guard try RecordStore(entity: entity).exists(db, id) else { throw CRMError.notFound(entity.type.rawValue, id) }
    }

    /// Every field, built-in and custom, described as `*.fields` returns them.
    package func fields() throws -> JSON {
        try crm.pool.read { db in
            let custom = try CustomFieldService.definitions(db, entity.type)
            var required = Set<String>()
            if entity.hasStages, let pipeline = try PipelineStore.defaultPipeline(db, entity.type), let first = pipeline.firstStage {
                required = Set(pipeline.effectiveRequiredFields(at: first))
            }
            var map: [String: JSON] = [:]
            for field in entity.fields + custom {
                map[field.name] = field.describe(isRequired: required.contains(field.name))
            }
            return .object(map)
        }
    }

    /// Where a call asks a record to be: a stage, a pipeline (its first stage), or neither.
    struct Placement {
        var stageID: String?
        var pipelineID: Int64?
    }

    /// Applies the `fields` of an add or update call to `state`, validating each value.
    /// Returns the requested placement; stage moves are resolved by the caller.
    func apply(_ fields: [String: JSON], to state: inout RecordState, db: Database) throws -> Placement {
        var placement = Placement()
        var problems: [ParamProblem] = []
        var customDefinitions: [String: FieldDefinition]?
        for (name, value) in fields {
            if name == "custom" {
                guard case .object(let values) = value else { throw CRMError.invalidParam("/fields/custom", "expected an object") }
                if customDefinitions == nil {
                    customDefinitions = Dictionary(uniqueKeysWithValues: try crm.definitions.customFields(db, entity.type).map { ($0.customCode ?? "", $0) })
                }
                for (code, customValue) in values {
                    guard let definition = customDefinitions?[code] else {
                        problems.append(ParamProblem(path: "/fields/custom/\(code)", message: "unknown custom field '\(code)'"))
                        continue
                    }
                    let stored = try FieldValueCodec.customValue(customValue, for: definition)
                    if stored == .null {
                        state.custom.removeValue(forKey: code)
                    } else {
                        state.custom[code] = stored
                    }
                }
                continue
            }
            guard let field = entity.field(name), !field.isReadOnly else {
                problems.append(ParamProblem(path: "/fields/\(name)", message: "unknown or read-only field '\(name)'"))
                continue
            }
            switch field.kind {
            case .stage:
                guard case .string(let id) = value else { throw CRMError.invalidParam("/fields/stageId", "expected a stage id") }
                placement.stageID = id
                continue
            case .pipeline:
                guard let id = value.int64Value else { throw CRMError.invalidParam("/fields/pipelineId", "expected a pipeline id") }
                placement.pipelineID = id
                continue
            default:
                break
            }
            let stored = try FieldValueCodec.storage(value, for: field)
            if case .integer(let targetID) = stored {
                if field.kind == .user { try UserService.requireActive(db, targetID, field: name) }
                if let target = field.linkTarget, try !RecordStore(entity: target.descriptor).exists(db, targetID) {
                    throw CRMError.invalidValue(field: name, reason: "notFound", message: "no \(target.rawValue) with id \(targetID)")
                }
            }
            state.columns[name] = stored
        }
        if !problems.isEmpty { throw CRMError.invalidParams(problems.sorted { $0.path < $1.path }) }
        return placement
    }

    /// For records without stages: custom fields marked required must have values.
    func checkAlwaysRequired(_ state: RecordState, id: Int64?, db: Database) throws {
        let custom = try crm.definitions.customFields(db, entity.type).filter(\.isAlwaysRequired)
        let missing = custom.filter { state.isEmpty($0.name) }.map { MissingField(field: $0.name, title: $0.title) }
        if !missing.isEmpty {
            throw CRMError.requiredFieldsMissing(entityType: entity.type.rawValue, id: id, stageId: nil, missing: missing)
        }
    }

    /// Puts the record at `stage` of `pipeline` after checking every field the stage requires.
    /// A lead reaches its success stage only by `lead.convert` (`converting`), which creates what the success means.
    func enter(_ stage: Stage, of pipeline: Pipeline, state: inout RecordState, id: Int64?, db: Database, converting: Bool = false) throws {
        if state.columns["stageId"]?.string != stage.id { try entity.hooks.willEnterStage?(stage, converting) }
        let missingNames = pipeline.effectiveRequiredFields(at: stage).filter { state.isEmpty($0) }
        if !missingNames.isEmpty {
            let custom = try crm.definitions.customFields(db, entity.type)
            let missing = missingNames.map { name in
                MissingField(field: name, title: entity.field(name)?.title ?? custom.first { $0.name == name }?.title ?? name)
            }
            throw CRMError.requiredFieldsMissing(entityType: entity.type.rawValue, id: id, stageId: stage.id, missing: missing)
        }
        state.columns["stageId"] = .text(stage.id)
        state.columns["pipelineId"] = .integer(pipeline.id)
        state.columns["stageSemantic"] = .text(stage.semantic.rawValue)
        if entity.field("closedAt") != nil {
            // A won or lost record is closed when it first gets there; reopening clears the mark.
            if stage.semantic == .process {
                state.columns["closedAt"] = .null
            } else if state.isEmpty("closedAt") {
                state.columns["closedAt"] = .text(crm.nowText)
            }
        }
    }

    /// The pipeline and stage a record goes to: the given stage; else the first stage of the given
    /// pipeline; else `current` (an existing record stays where it is); else the default
    /// pipeline's first stage.
    func resolveStage(_ placement: Placement, current: String?, db: Database) throws -> (Pipeline, Stage) {
        let pipelines = try crm.definitions.pipelines(db, entity.type)
        func containing(_ stageID: String) -> (Pipeline, Stage)? {
            for pipeline in pipelines { if let stage = pipeline.stage(stageID) { return (pipeline, stage) } }
            return nil
        }
        if let stageID = placement.stageID {
            guard let (pipeline, stage) = containing(stageID) else {
                throw CRMError.invalidValue(field: "stageId", reason: "unknownStage", message: "no \(entity.type.rawValue) stage '\(stageID)'")
            }
            if let pipelineID = placement.pipelineID, pipelineID != pipeline.id {
                throw CRMError.invalidValue(field: "stageId", reason: "otherPipeline", message: "stage '\(stageID)' is not in pipeline \(pipelineID)")
            }
            return (pipeline, stage)
        }
        if let pipelineID = placement.pipelineID {
            guard let pipeline = pipelines.first(where: { $0.id == pipelineID }), let first = pipeline.firstStage else {
                throw CRMError.invalidValue(field: "pipelineId", reason: "notFound", message: "no \(entity.type.rawValue) pipeline \(pipelineID)")
            }
            if let current, let stage = pipeline.stage(current) { return (pipeline, stage) }
            return (pipeline, first)
        }
        if let current, let found = containing(current) { return found }
        guard let pipeline = pipelines.first(where: \.isDefault) ?? pipelines.first, let first = pipeline.firstStage else {
            throw CRMError.notFound(entityType: "pipeline", id: .string("default"))
        }
        return (pipeline, first)
    }
}

extension CRM {
    package var leads: RecordService { records(.lead) }
}
