import Storage

/// Reads funnels from the database.
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
}
