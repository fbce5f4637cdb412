import CRM
import JSONKit

/// `pipeline.*` and `stage.*`: funnels, their stages and what each stage requires (S3, S4, S17).
enum PipelineMethods {
    static func all(_ crm: CRM) -> [Method] {
        [
            Method("pipeline.list") { params, _ in try crm.pipelines.list(entityType: try params.entityType()) },
            Method("pipeline.add") { params, context in
                let stages = try params.optionalArray("stages").map { items in try items.map { try stageInput(Params($0)) } }
                return try crm.pipelines.add(entityType: try params.entityType(), title: try params.string("title"), stages: stages, by: context.caller)
            },
            Method("stage.add") { params, context in
                try crm.pipelines.addStage(pipelineID: try params.int64("pipelineId"), input: try stageInput(params), by: context.caller)
            },
            Method("stage.update") { params, context in
                try crm.pipelines.updateStage(
                    pipelineID: try params.int64("pipelineId"), stageID: try params.string("stageId"),
                    title: try params.optionalString("title"), sort: try params.optionalInt64("sort").map { Int($0) },
                    semantic: try params.optionalString("semantic").flatMap(StageSemantic.init(rawValue:)),
                    requiredFields: try params.stringList("requiredFields"), by: context.caller)
            },
        ]
    }

    private static func stageInput(_ params: Params) throws -> PipelineService.StageInput {
        PipelineService.StageInput(
            id: try params.optionalString("id"), title: try params.string("title"),
            semantic: try params.optionalString("semantic").flatMap(StageSemantic.init(rawValue:)),
            sort: try params.optionalInt64("sort").map { Int($0) }, requiredFields: try params.stringList("requiredFields"))
    }
}
