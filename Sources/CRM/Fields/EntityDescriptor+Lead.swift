import JSONKit

extension EntityDescriptor {
    /// A lead: the first contact with a would-be client (S1–S8).
    package static let lead = EntityDescriptor(type: .lead, table: "leads", fields: [
        FieldDefinition("id", "ID", .id, readOnly: true),
        FieldDefinition("title", "Название лида", .string, searchable: true),
        FieldDefinition("name", "Имя", .string, searchable: true),
        FieldDefinition("secondName", "Отчество", .string, searchable: true),
        FieldDefinition("lastName", "Фамилия", .string, searchable: true),
        FieldDefinition("companyTitle", "Название компании", .string, searchable: true),
        FieldDefinition("phones", "Телефон", .phones, searchable: true),
        FieldDefinition("emails", "E-mail", .emails, searchable: true),
        FieldDefinition("city", "Город", .string, searchable: true),
        FieldDefinition("topic", "Интересующая тема", .string, searchable: true),
        FieldDefinition("source", "Источник", .string),
        FieldDefinition("comments", "Комментарий", .text, searchable: true),
        FieldDefinition("clientType", "Тип клиента", .enumeration, options: ["company", "ip", "person"]),
        FieldDefinition("requisites", "Реквизиты", .requisites),
        FieldDefinition("assignedTo", "Ответственный", .user),
        FieldDefinition("opened", "Доступен для всех", .boolean),
        FieldDefinition("pipelineId", "Воронка", .pipeline),
        FieldDefinition("stageId", "Стадия", .stage),
        FieldDefinition("stageSemantic", "Семантика стадии", .semantic, readOnly: true),
        FieldDefinition("convertedAt", "Сконвертирован", .datetime, readOnly: true),
    ] + metaFields, defaults: ["opened": .integer(0)], sortable: ["id", "createdAt", "updatedAt", "stageId", "title"], hooks: leadHooks)

    /// A converted lead is read-only; a lead reaches its success stage only through `lead.convert`,
    /// which creates what the success means.
    static let leadHooks = RecordHooks(
        willChange: { state, id in
            if !state.isEmpty("convertedAt") {
                throw CRMError.conflict(reason: "converted", details: ["entityType": "lead", "id": .int(id)])
            }
        },
        willEnterStage: { stage, converting in
            if stage.semantic == .success, !converting {
                throw CRMError.invalidValue(field: "stageId", reason: "convertRequired", message: "a lead is converted with lead.convert")
            }
        })
}
