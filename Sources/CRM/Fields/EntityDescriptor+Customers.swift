extension EntityDescriptor {
    /// A person the company deals with (S9).
    package static let contact = EntityDescriptor(type: .contact, table: "contacts", fields: [
        FieldDefinition("id", "ID", .id, readOnly: true),
        FieldDefinition("name", "Имя", .string, searchable: true),
        FieldDefinition("secondName", "Отчество", .string, searchable: true),
        FieldDefinition("lastName", "Фамилия", .string, searchable: true),
        FieldDefinition("post", "Должность", .string, searchable: true),
        FieldDefinition("phones", "Телефон", .phones, searchable: true),
        FieldDefinition("emails", "E-mail", .emails, searchable: true),
        FieldDefinition("companyId", "Компания", .link, linkTarget: .company),
        FieldDefinition("address", "Адрес", .address, searchable: true),
        FieldDefinition("birthdate", "Дата рождения", .date),
        FieldDefinition("source", "Источник", .string),
        FieldDefinition("comments", "Комментарий", .text, searchable: true),
        FieldDefinition("assignedTo", "Ответственный", .user),
        FieldDefinition("opened", "Доступен для всех", .boolean),
        FieldDefinition("leadId", "Лид", .link, readOnly: true, linkTarget: .lead),
    ] + metaFields, defaults: ["opened": .integer(0)], sortable: ["id", "createdAt", "name", "lastName"],
    hooks: RecordHooks(titleKey: TitleKey(fields: ["lastName", "name", "secondName"]) { state in
        MatchKeys.personName(lastName: state.columns["lastName"]?.string, name: state.columns["name"]?.string,
                             secondName: state.columns["secondName"]?.string)
    }))

    /// A client organisation or sole proprietor, or the seller itself (`isMyCompany`).
    package static let company = EntityDescriptor(type: .company, table: "companies", fields: [
        FieldDefinition("id", "ID", .id, readOnly: true),
        FieldDefinition("title", "Название компании", .string, searchable: true),
        FieldDefinition("companyType", "Тип компании", .enumeration, options: ["CUSTOMER", "SUPPLIER", "PARTNER", "OTHER"]),
        FieldDefinition("industry", "Сфера деятельности", .string),
        FieldDefinition("phones", "Телефон", .phones, searchable: true),
        FieldDefinition("emails", "E-mail", .emails, searchable: true),
        FieldDefinition("website", "Сайт", .url, searchable: true),
        FieldDefinition("address", "Адрес", .address, searchable: true),
        FieldDefinition("comments", "Комментарий", .text, searchable: true),
        FieldDefinition("isMyCompany", "Моя компания", .boolean),
        FieldDefinition("assignedTo", "Ответственный", .user),
        FieldDefinition("opened", "Доступен для всех", .boolean),
        FieldDefinition("leadId", "Лид", .link, readOnly: true, linkTarget: .lead),
    ] + metaFields, defaults: ["isMyCompany": .integer(0), "opened": .integer(0)], sortable: ["id", "createdAt", "title"], hooks: RecordHooks(titleKey: TitleKey(fields: ["title"]) { state in
        state.columns["title"]?.string.flatMap(MatchKeys.companyTitle)
    }))

    /// A sale in progress, linked to its contact and company (S13, S17).
    package static let deal = EntityDescriptor(type: .deal, table: "deals", fields: [
        FieldDefinition("id", "ID", .id, readOnly: true),
        FieldDefinition("title", "Название сделки", .string, searchable: true),
        FieldDefinition("pipelineId", "Воронка", .pipeline),
        FieldDefinition("stageId", "Стадия", .stage),
        FieldDefinition("stageSemantic", "Семантика стадии", .semantic, readOnly: true),
        FieldDefinition("contactId", "Контакт", .link, linkTarget: .contact),
        FieldDefinition("companyId", "Компания", .link, linkTarget: .company),
        FieldDefinition("assignedTo", "Ответственный", .user),
        FieldDefinition("opened", "Доступен для всех", .boolean),
        FieldDefinition("opportunity", "Сумма", .money),
        FieldDefinition("currency", "Валюта", .string),
        FieldDefinition("contractNumber", "Номер договора", .string, searchable: true),
        FieldDefinition("contractDate", "Дата договора", .date),
        FieldDefinition("comments", "Комментарий", .text, searchable: true),
        FieldDefinition("leadId", "Лид", .link, readOnly: true, linkTarget: .lead),
        FieldDefinition("closedAt", "Закрыта", .datetime, readOnly: true),
    ] + metaFields, defaults: ["currency": .text("RUB"), "opened": .integer(0)],
       sortable: ["id", "createdAt", "stageId", "title", "opportunity"])
}
