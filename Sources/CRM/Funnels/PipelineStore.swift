import Storage

/// The SQL of funnels: pipelines and their stages, read as `Pipeline` values and written
/// by the pipeline and custom-field services (which then apply the change).
enum PipelineStore {
    static func all(_ db: Database, _ entityType: EntityType) throws -> [Pipeline] {
        try db.query("SELECT id FROM pipelines WHERE entity_type = ? ORDER BY sort, id", [.text(entityType.rawValue)])
            .compactMap { row in try pipeline(db, try row.int64("id")) }
    }

    static func pipeline(_ db: Database, _ id: Int64) throws -> Pipeline? {
        guard let row = try db.queryOne("SELECT entity_type, title, is_default FROM pipelines WHERE id = ?", [.integer(id)]) else { return nil }
        let (entityType, title, isDefault) = try StoredData.read("pipelines", id) {
            (try StoredData.enumCase(try row.text("entity_type"), "entity_type", as: EntityType.self), try row.text("title"),
             try row.bool("is_default"))
        }
        let stages = try db.query("""
            SELECT entity_type, id, title, semantic, sort, required_fields FROM stages WHERE pipeline_id = ? ORDER BY sort, rowid
            """, [.integer(id)]).map { stage in
            try StoredData.read("stages", "\(stage["entity_type"].string ?? "?")/\(stage["id"].string ?? "?")") {
                Stage(id: try stage.text("id"), title: try stage.text("title"),
                      semantic: try StoredData.enumCase(try stage.text("semantic"), "semantic", as: StageSemantic.self),
                      sort: try stage.int("sort"), requiredFields: try StoredData.stringArray(try stage.text("required_fields"), "required_fields"))
            }
        }
        return Pipeline(id: id, entityType: entityType, title: title, isDefault: isDefault, stages: stages)
    }

    static func defaultPipeline(_ db: Database, _ entityType: EntityType) throws -> Pipeline? {
        guard let id = try db.queryOne("SELECT id FROM pipelines WHERE entity_type = ? ORDER BY is_default DESC, sort, id LIMIT 1",
                                       [.text(entityType.rawValue)])?.int64("id") else { return nil }
        return try pipeline(db, id)
    }

    /// The pipeline that holds `stageId` (stage ids are unique per entity type).
    static func containing(_ db: Database, _ entityType: EntityType, stageId: String) throws -> Pipeline? {
        guard let id = try db.queryOne("SELECT pipeline_id FROM stages WHERE entity_type = ? AND id = ?",
                                       [.text(entityType.rawValue), .text(stageId)])?.int64("pipeline_id") else { return nil }
        return try pipeline(db, id)
    }

    /// The highest `sort` among the pipelines of `entityType` (0 when there are none).
    static func highestSort(_ db: Database, _ entityType: EntityType) throws -> Int64 {
        try db.scalar("SELECT coalesce(max(sort), 0) FROM pipelines WHERE entity_type = ?", [.text(entityType.rawValue)]).int64 ?? 0
    }

    /// Inserts a pipeline that is not the default; returns its id.
    static func insertPipeline(_ db: Database, _ entityType: EntityType, title: String, sort: Int64) throws -> Int64 {
        try db.execute("INSERT INTO pipelines (entity_type, title, is_default, sort) VALUES (?, ?, 0, ?)",
                       [.text(entityType.rawValue), .text(title), .integer(sort)])
        return db.lastInsertRowID
    }

    /// Whether `stageId` is taken within `entityType` (in any pipeline).
    static func stageExists(_ db: Database, _ entityType: EntityType, stageId: String) throws -> Bool {
        try db.queryOne("SELECT 1 FROM stages WHERE entity_type = ? AND id = ?", [.text(entityType.rawValue), .text(stageId)]) != nil
    }

    /// How many stages pipeline `pipelineID` has; generated stage ids start after it.
    static func stageCount(_ db: Database, pipelineID: Int64) throws -> Int64 {
        try db.scalar("SELECT count(*) FROM stages WHERE pipeline_id = ?", [.integer(pipelineID)]).int64 ?? 0
    }

    static func insertStage(_ db: Database, _ entityType: EntityType, pipelineID: Int64, _ stage: Stage) throws {
        try db.execute("""
            INSERT INTO stages (entity_type, id, pipeline_id, title, semantic, sort, required_fields) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [.text(entityType.rawValue), .text(stage.id), .integer(pipelineID), .text(stage.title),
                  .text(stage.semantic.rawValue), .integer(Int64(stage.sort)), .text(JSONText.stringArray(stage.requiredFields))])
    }

    /// Rewrites a stage's title, sort, semantic and required fields.
    static func updateStage(_ db: Database, _ entityType: EntityType, _ stage: Stage) throws {
        try db.execute("UPDATE stages SET title = ?, sort = ?, semantic = ?, required_fields = ? WHERE entity_type = ? AND id = ?",
                       [.text(stage.title), .integer(Int64(stage.sort)), .text(stage.semantic.rawValue),
                        .text(JSONText.stringArray(stage.requiredFields)), .text(entityType.rawValue), .text(stage.id)])
    }

    /// Rewrites only a stage's required fields.
    static func setRequiredFields(_ db: Database, _ entityType: EntityType, stageId: String, _ fields: [String]) throws {
        try db.execute("UPDATE stages SET required_fields = ? WHERE entity_type = ? AND id = ?",
                       [.text(JSONText.stringArray(fields)), .text(entityType.rawValue), .text(stageId)])
    }
}
