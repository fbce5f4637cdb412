import JSONKit
import Storage

extension DefaultPipelines {
    static let deal: [(id: String, title: String, semantic: StageSemantic, required: [String])] = [
        ("NEW", "Новая", .process, []),
        ("PREPARATION", "Подготовка документов", .process, []),
        ("CONTRACT_SIGNED", "Договор подписан", .process, ["contractNumber", "contractDate"]),
        ("INVOICE", "Счёт выставлен", .process, []),
        ("EXECUTING", "В работе", .process, []),
        ("WON", "Сделка успешна", .success, []),
        ("LOSE", "Сделка провалена", .failure, []),
    ]

    /// The rule of S13: a new deal gets a comment telling the manager what to do next.
    static let nextStepsComment = "Новая сделка «{{deal.title}}». Следующие шаги: проверьте реквизиты компании "
        + "{{company.title}}, подготовьте договор и счёт, согласуйте встречу с контактом "
        + "{{contact.name}} {{contact.lastName}} {{contact.phone}}."

    static func installDeals(into db: Database) throws {
        try db.execute("INSERT INTO pipelines (entity_type, title, is_default, sort) VALUES ('deal', 'Сделки', 1, 10)")
        let pipelineID = db.lastInsertRowID
        for (index, stage) in deal.enumerated() {
            try db.execute(
                "INSERT INTO stages (entity_type, id, pipeline_id, title, semantic, sort, required_fields) VALUES ('deal', ?, ?, ?, ?, ?, ?)",
                [.text(stage.id), .integer(pipelineID), .text(stage.title), .text(stage.semantic.rawValue),
                 .integer(Int64((index + 1) * 10)), .text(JSONText.stringArray(stage.required))])
        }
        let action: JSON = ["type": "comment", "text": .string(nextStepsComment)]
        try db.execute("""
            INSERT INTO automation_rules (entity_type, pipeline_id, stage_id, trigger, delay_seconds, action, title, active, created_at)
            VALUES ('deal', ?, 'NEW', 'enter', 0, ?, 'Следующие шаги по новой сделке', 1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
            """, [.integer(pipelineID), .text(action.text)])
    }
}
