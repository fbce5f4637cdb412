import Storage

/// Reads funnels from the database.
enum PipelineStore {
    static func all(_ db: Database, _ entityType: EntityType) throws -> [Pipeline] {
        try db.query("SELECT id FROM pipelines WHERE entity_type = ? ORDER BY sort, id", [.text(entityType.rawValue)])
            .compactMap { row in try pipeline(db, row[0].int64 ?? 0) }
    }

    static func pipeline(_ db: Database, _ id: Int64) throws -> Pipeline? {
        guard let row = try db.queryOne("SELECT entity_type, title, is_default FROM pipelines WHERE id = ?", [.integer(id)]),
              let entityType = EntityType(rawValue: row[0].string ?? "") else { return nil }
        let stages = try db.query("""
            SELECT id, title, semantic, sort, required_fields FROM stages WHERE pipeline_id = ? ORDER BY sort, rowid
            """, [.integer(id)]).map { stage in
            Stage(id: stage[0].string ?? "", title: stage[1].string ?? "",
                  semantic: StageSemantic(rawValue: stage[2].string ?? "") ?? .process,
                  sort: Int(stage[3].int64 ?? 0), requiredFields: JSONText.parseStringArray(stage[4].string))
        }
        return Pipeline(id: id, entityType: entityType, title: row[1].string ?? "", isDefault: row[2].bool ?? false, stages: stages)
    }

    static func defaultPipeline(_ db: Database, _ entityType: EntityType) throws -> Pipeline? {
        guard let id = try db.queryOne("SELECT id FROM pipelines WHERE entity_type = ? ORDER BY is_default DESC, sort, id LIMIT 1",
                                       [.text(entityType.rawValue)])?[0].int64 else { return nil }
        return try pipeline(db, id)
    }

    /// The pipeline that holds `stageId` (stage ids are unique per entity type).
    static func containing(_ db: Database, _ entityType: EntityType, stageId: String) throws -> Pipeline? {
        guard let id = try db.queryOne("SELECT pipeline_id FROM stages WHERE entity_type = ? AND id = ?",
                                       [.text(entityType.rawValue), .text(stageId)])?[0].int64 else { return nil }
        return try pipeline(db, id)
    }
}
