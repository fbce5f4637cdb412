import Storage

/// The funnels a new database starts with (API.md, "Default lead pipeline").
enum DefaultPipelines {
    static let lead: [(id: String, title: String, semantic: StageSemantic, required: [String])] = [
        ("NEW", "Новый", .process, ["phones", "emails", "city", "topic"]),
        ("QUALIFICATION", "Квалификация", .process, []),
        ("OFFER_SENT", "КП отправлено", .process, []),
        ("MEETING_SCHEDULED", "Встреча назначена", .process, []),
        ("FEEDBACK", "Ожидание обратной связи", .process, []),
        ("OBJECTIONS", "Работа с возражениями", .process, []),
        ("MEETING_HELD", "Встреча проведена", .process, []),
        ("CONSENT", "Согласие получено", .process, []),
        ("CONVERTED", "Сконвертирован", .success, []),
        ("JUNK", "Некачественный", .failure, []),
    ]

    static func install(into db: Database) throws {
        try db.execute("INSERT INTO pipelines (id, entity_type, title, is_default, sort) VALUES (1, 'lead', 'Лиды', 1, 10)")
        for (index, stage) in lead.enumerated() {
            try db.execute(
                "INSERT INTO stages (entity_type, id, pipeline_id, title, semantic, sort, required_fields) VALUES ('lead', ?, 1, ?, ?, ?, ?)",
                [.text(stage.id), .text(stage.title), .text(stage.semantic.rawValue), .integer(Int64((index + 1) * 10)),
                 .text(JSONText.stringArray(stage.required))])
        }
    }
}
