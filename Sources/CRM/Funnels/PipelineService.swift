import JSONKit
import Storage

/// Funnels and their stages: listing, adding pipelines and stages, and changing a stage's
/// title, order, semantic and required fields.
package struct PipelineService: Sendable {
    let crm: CRM

    /// A stage as given to `pipeline.add` or `stage.add`.
    package struct StageInput: Sendable {
        package var id: String?
        package var title: String
        package var semantic: StageSemantic?
        package var sort: Int?
        package var requiredFields: [String]?
        package init(id: String?, title: String, semantic: StageSemantic?, sort: Int?, requiredFields: [String]?) {
            self.id = id
            self.title = title
            self.semantic = semantic
            self.sort = sort
            self.requiredFields = requiredFields
        }
    }

    package func list(entityType: EntityType) throws -> JSON {
        try crm.pool.read { db in .object(["items": .array(try PipelineStore.all(db, entityType).map(\.json))]) }
    }

    package func add(entityType: EntityType, title: String, stages: [StageInput]?, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            let sort = try PipelineStore.highestSort(db, entityType) + 10
            let id = try PipelineStore.insertPipeline(db, entityType, title: title, sort: sort)
            try crm.apply(Change(.pipeline, id: .int(id), .created, by: caller, at: crm.nowText,
                                 data: ["entityType": .string(entityType.rawValue), "title": .string(title)]), in: db)
            let inputs = stages ?? [
                StageInput(id: nil, title: "Новая", semantic: .process, sort: 10, requiredFields: []),
                StageInput(id: nil, title: "Успешно", semantic: .success, sort: 20, requiredFields: []),
                StageInput(id: nil, title: "Провалено", semantic: .failure, sort: 30, requiredFields: []),
            ]
            if inputs.isEmpty { throw CRMError.invalidParam("/stages", "a pipeline needs at least one stage") }
            for (index, input) in inputs.enumerated() {
                try Self.checkSort(input.sort, field: "stages.\(index).sort")
                try insertStage(db, entityType: entityType, pipelineID: id, input: input, defaultSort: (index + 1) * 10,
                                path: "/stages/\(index)", by: caller)
            }
            return try requirePipeline(db, id).json
        }
    }

    package func addStage(pipelineID: Int64, input: StageInput, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            let pipeline = try requirePipeline(db, pipelineID)
            try caller.access?.requireSettings(of: PermissionEntity(pipeline.entityType))
            try Self.checkSort(input.sort, field: "sort")
            let (defaultSort, overflow) = (pipeline.stages.map(\.sort).max() ?? 0).addingReportingOverflow(10)
            if input.sort == nil && overflow {
                throw CRMError.invalidValue(field: "sort", reason: "tooLarge", message: "the last stage is at the end of the range: give a sort")
            }
            try insertStage(db, entityType: pipeline.entityType, pipelineID: pipelineID, input: input, defaultSort: defaultSort, path: "", by: caller)
            return try requirePipeline(db, pipelineID).json
        }
    }

    package func updateStage(pipelineID: Int64, stageID: String, title: String?, sort: Int?, semantic: StageSemantic?,
                             requiredFields: [String]?, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            let pipeline = try requirePipeline(db, pipelineID)
            try caller.access?.requireSettings(of: PermissionEntity(pipeline.entityType))
            guard var stage = pipeline.stage(stageID) else { throw CRMError.notFound(entityType: "stage", id: .string(stageID)) }
            let old = stage
            try Self.checkSort(sort, field: "sort")
            if let title { stage.title = title }
            if let sort { stage.sort = sort }
            if let semantic { stage.semantic = semantic }
            if let requiredFields {
                try validateRequired(db, pipeline.entityType, requiredFields, path: "/requiredFields")
                stage.requiredFields = requiredFields
            }
            try PipelineStore.updateStage(db, pipeline.entityType, stage)
            let changes = Self.stageFields.map { FieldChange(field: $0, old: old.json[$0] ?? .null, new: stage.json[$0] ?? .null) }
                .filter { $0.old != $0.new }
            try crm.apply(Change(.stage, id: .string(stage.id), .updated, by: caller, at: crm.nowText, fields: changes,
                                 data: ["entityType": .string(pipeline.entityType.rawValue), "pipelineId": .int(pipelineID)]), in: db)
            return try requirePipeline(db, pipelineID).json
        }
    }

    private func insertStage(_ db: Database, entityType: EntityType, pipelineID: Int64, input: StageInput, defaultSort: Int,
                             path: String, by caller: Caller) throws {
        let required = input.requiredFields ?? []
        try validateRequired(db, entityType, required, path: path + "/requiredFields")
        let id = try input.id ?? generatedStageID(db, entityType: entityType, pipelineID: pipelineID)
        if try PipelineStore.stageExists(db, entityType, stageId: id) {
            throw CRMError.conflict(reason: "exists", details: ["stageId": .string(id)])
        }
        try PipelineStore.insertStage(db, entityType, pipelineID: pipelineID,
                                      Stage(id: id, title: input.title, semantic: input.semantic ?? .process,
                                            sort: input.sort ?? defaultSort, requiredFields: required))
        try crm.apply(Change(.stage, id: .string(id), .created, by: caller, at: crm.nowText,
                             data: ["entityType": .string(entityType.rawValue), "pipelineId": .int(pipelineID), "title": .string(input.title)]), in: db)
    }

    /// 1007 `tooLarge` for a position past ±`Stage.sortLimit`.
    private static func checkSort(_ sort: Int?, field: String) throws(CRMError) {
        guard let sort, sort.magnitude > Stage.sortLimit.magnitude else { return }
        throw CRMError.invalidValue(field: field, reason: "tooLarge", message: "a sort is between -\(Stage.sortLimit) and \(Stage.sortLimit)")
    }

    /// The stage properties a change names.
    private static let stageFields = ["title", "sort", "semantic", "requiredFields"]

    private func generatedStageID(_ db: Database, entityType: EntityType, pipelineID: Int64) throws -> String {
        var number = try PipelineStore.stageCount(db, pipelineID: pipelineID) + 1
        while true {
            let candidate = "C\(pipelineID):S\(number)"
            if try !PipelineStore.stageExists(db, entityType, stageId: candidate) { return candidate }
            number += 1
        }
    }

    /// Every required field must be a writable field of the entity, built-in or custom.
    private func validateRequired(_ db: Database, _ entityType: EntityType, _ fields: [String], path: String) throws {
        let custom = Set(try CustomFieldStore.definitions(db, entityType).map(\.name))
        var problems: [ParamProblem] = []
        for (index, name) in fields.enumerated() {
            let builtIn = entityType.descriptor.field(name)
            let writable = builtIn.map { !$0.isReadOnly } ?? custom.contains(name)
            if !writable { problems.append(ParamProblem(path: "\(path)/\(index)", message: "unknown or read-only field '\(name)'")) }
        }
        if !problems.isEmpty { throw CRMError.invalidParams(problems) }
    }

    private func requirePipeline(_ db: Database, _ id: Int64) throws -> Pipeline {
        guard let pipeline = try PipelineStore.pipeline(db, id) else { throw CRMError.notFound("pipeline", id) }
        return pipeline
    }
}

extension CRM {
    package var pipelines: PipelineService { PipelineService(crm: self) }
}
