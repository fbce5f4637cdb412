import JSONKit
import Storage

/// Records of one entity type: create, read, change, delete, list, describe. Written once
/// against an `EntityDescriptor`, so every entity with a table gets the same behaviour:
/// validation by field kind, stage requirements, timeline, full-text and contact-key indexes.
package struct RecordService: Sendable {
    let crm: CRM
    let entity: EntityDescriptor

    package func get(_ id: Int64) throws -> JSON {
        try crm.pool.read { db in try load(db, id).json(entity) }
    }

    /// The record's current state, or 1002.
    func load(_ db: Database, _ id: Int64) throws -> RecordState {
        guard let row = try db.queryOne("SELECT \(entity.columnList) FROM \(entity.table) WHERE id = ?", [.integer(id)]) else {
            throw CRMError.notFound(entity.type.rawValue, id)
        }
        return RecordState(row: row, descriptor: entity)
    }

    static func requireExists(_ db: Database, _ entity: EntityDescriptor, _ id: Int64) throws {
        guard try db.queryOne("SELECT 1 FROM \(entity.table) WHERE id = ?", [.integer(id)]) != nil else {
            throw CRMError.notFound(entity.type.rawValue, id)
        }
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

    /// Applies the `fields` of an add or update call to `state`, validating each value.
    /// Returns the requested stage, if any; stage moves are resolved by the caller.
    func apply(_ fields: [String: JSON], to state: inout RecordState, db: Database) throws -> String? {
        var stageID: String?
        var problems: [ParamProblem] = []
        var customDefinitions: [String: FieldDefinition]?
        for (name, value) in fields {
            if name == "custom" {
                guard case .object(let values) = value else { throw CRMError.invalidParam("/fields/custom", "expected an object") }
                if customDefinitions == nil {
                    customDefinitions = Dictionary(uniqueKeysWithValues: try CustomFieldService.definitions(db, entity.type).map { ($0.customCode ?? "", $0) })
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
            if field.kind == .stage {
                guard case .string(let id) = value else { throw CRMError.invalidParam("/fields/stageId", "expected a stage id") }
                stageID = id
                continue
            }
            let stored = try FieldValueCodec.storage(value, for: field)
            if field.kind == .user, case .integer(let userID) = stored {
                try UserService.requireExists(db, userID, field: name)
            }
            state.columns[name] = stored
        }
        if !problems.isEmpty { throw CRMError.invalidParams(problems.sorted { $0.path < $1.path }) }
        return stageID
    }

    /// Puts the record at `stage` of `pipeline` after checking every field the stage requires.
    func enter(_ stage: Stage, of pipeline: Pipeline, state: inout RecordState, id: Int64?, db: Database) throws {
        let missingNames = pipeline.effectiveRequiredFields(at: stage).filter { state.isEmpty($0) }
        if !missingNames.isEmpty {
            let custom = try CustomFieldService.definitions(db, entity.type)
            let missing = missingNames.map { name in
                MissingField(field: name, title: entity.field(name)?.title ?? custom.first { $0.name == name }?.title ?? name)
            }
            throw CRMError.requiredFieldsMissing(entityType: entity.type.rawValue, id: id, stageId: stage.id, missing: missing)
        }
        state.columns["stageId"] = .text(stage.id)
        state.columns["pipelineId"] = .integer(pipeline.id)
        state.columns["stageSemantic"] = .text(stage.semantic.rawValue)
    }

    /// The pipeline and stage a record moves to: `stageID` if given, else the default pipeline's first stage.
    func resolveStage(_ stageID: String?, db: Database) throws -> (Pipeline, Stage) {
        if let stageID {
            guard let pipeline = try PipelineStore.containing(db, entity.type, stageId: stageID), let stage = pipeline.stage(stageID) else {
                throw CRMError.invalidValue(field: "stageId", reason: "unknownStage", message: "no \(entity.type.rawValue) stage '\(stageID)'")
            }
            return (pipeline, stage)
        }
        guard let pipeline = try PipelineStore.defaultPipeline(db, entity.type), let first = pipeline.firstStage else {
            throw CRMError.notFound(entityType: "pipeline", id: .string("default"))
        }
        return (pipeline, first)
    }
}

extension CRM {
    package var leads: RecordService { records(.lead) }
}
