/// A Bitrix24 CRM entity the facade serves (`crm.lead.*`, …) and the crmd entity behind it:
/// its fields in Bitrix24's names and the crmd methods that carry them.
struct BitrixEntity: Sendable {
    /// The crmd entity type (`lead`), also the prefix of its methods (`lead.add`).
    let crmd: String
    /// Bitrix24's owner type id (`1` lead, `2` deal, `3` contact, `4` company), used by
    /// activities and requisites to name the record they belong to.
    let ownerTypeID: Int?
    let fields: [BitrixField]
    /// Whether its stages carry deal categories (`C5:NEW`).
    var hasCategories = false
    /// Whether it has custom fields (`UF_CRM_*`).
    var hasCustomFields = true

    func field(_ name: String) -> BitrixField? {
        let upper = name.uppercased()
        return fields.first { $0.name == upper }
    }

    /// The Bitrix24 name of crmd field `crmd` (`phones` → `PHONE`, `custom.area` → `UF_CRM_AREA`).
    func bitrixName(of crmd: String) -> String {
        if crmd.hasPrefix("custom.") { return BitrixCustomFields.bitrixName(String(crmd.dropFirst("custom.".count))) }
        return fields.first { $0.crmd == crmd && !$0.readOnly }?.name ?? fields.first { $0.crmd == crmd }?.name ?? crmd
    }

    static func named(_ name: String) -> BitrixEntity? {
        switch name {
        case "lead": .lead
        case "deal": .deal
        case "contact": .contact
        case "company": .company
        case "product": .product
        default: nil
        }
    }

    static func owner(typeID: Int) -> BitrixEntity? {
        [lead, deal, contact, company].first { $0.ownerTypeID == typeID }
    }

    private static let common: [BitrixField] = [
        BitrixField("ID", "id", .id, "integer", "ID", readOnly: true),
        BitrixField("ASSIGNED_BY_ID", "assignedTo", .id, "user", "Ответственный"),
        BitrixField("OPENED", "opened", .flag, "char", "Доступен для всех"),
        BitrixField("COMMENTS", "comments", .text, "string", "Комментарий"),
        BitrixField("CREATED_BY_ID", "createdBy", .id, "user", "Кем создан", readOnly: true),
        BitrixField("MODIFY_BY_ID", "updatedBy", .id, "user", "Кем изменён", readOnly: true),
        BitrixField("DATE_CREATE", "createdAt", .instant, "datetime", "Дата создания", readOnly: true),
        BitrixField("DATE_MODIFY", "updatedAt", .instant, "datetime", "Дата изменения", readOnly: true),
    ]

    private static let contactPoints: [BitrixField] = [
        BitrixField("PHONE", "phones", .multifield(typeID: "PHONE"), "crm_multifield", "Телефон"),
        BitrixField("EMAIL", "emails", .multifield(typeID: "EMAIL"), "crm_multifield", "E-mail"),
        BitrixField("HAS_PHONE", "phones", .has, "char", "Задан телефон", readOnly: true),
        BitrixField("HAS_EMAIL", "emails", .has, "char", "Задан e-mail", readOnly: true),
    ]

    private static let personName: [BitrixField] = [
        BitrixField("NAME", "name", .text, "string", "Имя"),
        BitrixField("SECOND_NAME", "secondName", .text, "string", "Отчество"),
        BitrixField("LAST_NAME", "lastName", .text, "string", "Фамилия"),
    ]

    /// Leads. `TOPIC` and `CLIENT_TYPE` are crmd's own (Bitrix24 has no such lead fields): the
    /// default funnel requires a topic at its first stage.
    static let lead = BitrixEntity(crmd: "lead", ownerTypeID: 1, fields: common + personName + contactPoints + [
        BitrixField("TITLE", "title", .text, "string", "Название лида"),
        BitrixField("COMPANY_TITLE", "companyTitle", .text, "string", "Название компании"),
        BitrixField("ADDRESS_CITY", "city", .text, "string", "Город"),
        BitrixField("SOURCE_ID", "source", .text, "crm_status", "Источник"),
        BitrixField("STATUS_ID", "stageId", .stage, "crm_status", "Стадия"),
        BitrixField("STATUS_SEMANTIC_ID", "stageSemantic", .semantic, "string", "Состояние статуса", readOnly: true),
        BitrixField("TOPIC", "topic", .text, "string", "Тема обращения"),
        BitrixField("CLIENT_TYPE", "clientType", .text, "string", "Тип клиента"),
        BitrixField("DATE_CLOSED", "convertedAt", .instant, "datetime", "Дата закрытия", readOnly: true),
    ])

    /// Deals. `CONTRACT_NUMBER` and `CONTRACT_DATE` are crmd's own: the default funnel requires
    /// them from «Договор подписан» on.
    static let deal = BitrixEntity(crmd: "deal", ownerTypeID: 2, fields: common + [
        BitrixField("TITLE", "title", .text, "string", "Название"),
        BitrixField("STAGE_ID", "stageId", .stage, "crm_status", "Стадия сделки"),
        BitrixField("CATEGORY_ID", "pipelineId", .category, "crm_category", "Направление"),
        BitrixField("STAGE_SEMANTIC_ID", "stageSemantic", .semantic, "string", "Группа стадии", readOnly: true),
        BitrixField("CLOSED", "stageSemantic", .closed, "char", "Закрыта", readOnly: true),
        BitrixField("CLOSEDATE", "closedAt", .instant, "datetime", "Дата завершения", readOnly: true),
        BitrixField("CONTACT_ID", "contactId", .id, "crm_contact", "Контакт"),
        BitrixField("COMPANY_ID", "companyId", .id, "crm_company", "Компания"),
        BitrixField("LEAD_ID", "leadId", .id, "crm_lead", "Лид", readOnly: true),
        BitrixField("OPPORTUNITY", "opportunity", .money, "double", "Сумма"),
        BitrixField("CURRENCY_ID", "currency", .text, "crm_currency", "Валюта"),
        BitrixField("CONTRACT_NUMBER", "contractNumber", .text, "string", "Номер договора"),
        BitrixField("CONTRACT_DATE", "contractDate", .date, "date", "Дата договора"),
    ], hasCategories: true)

    static let contact = BitrixEntity(crmd: "contact", ownerTypeID: 3, fields: common + personName + contactPoints + [
        BitrixField("POST", "post", .text, "string", "Должность"),
        BitrixField("ADDRESS", "address", .text, "string", "Адрес"),
        BitrixField("BIRTHDATE", "birthdate", .date, "date", "Дата рождения"),
        BitrixField("SOURCE_ID", "source", .text, "crm_status", "Источник"),
        BitrixField("COMPANY_ID", "companyId", .id, "crm_company", "Компания"),
        BitrixField("LEAD_ID", "leadId", .id, "crm_lead", "Лид", readOnly: true),
    ])

    static let company = BitrixEntity(crmd: "company", ownerTypeID: 4, fields: common + contactPoints + [
        BitrixField("TITLE", "title", .text, "string", "Название компании"),
        BitrixField("COMPANY_TYPE", "companyType", .text, "crm_status", "Тип компании"),
        BitrixField("INDUSTRY", "industry", .text, "crm_status", "Сфера деятельности"),
        BitrixField("ADDRESS", "address", .text, "string", "Адрес"),
        BitrixField("WEB", "website", .web, "crm_multifield", "Сайт"),
        BitrixField("IS_MY_COMPANY", "isMyCompany", .flag, "char", "Моя компания"),
        BitrixField("LEAD_ID", "leadId", .id, "crm_lead", "Лид", readOnly: true),
    ])

    /// Catalog products. `VAT_RATE` is crmd's own (`"22"`, `"none"`): Bitrix24's `VAT_ID`
    /// names an entry of a portal's own VAT list.
    static let product = BitrixEntity(crmd: "product", ownerTypeID: nil, fields: [
        BitrixField("ID", "id", .id, "integer", "ID", readOnly: true),
        BitrixField("NAME", "name", .text, "string", "Название"),
        BitrixField("DESCRIPTION", "description", .text, "string", "Описание"),
        BitrixField("PRICE", "price", .money, "double", "Цена"),
        BitrixField("CURRENCY_ID", "currency", .text, "crm_currency", "Валюта"),
        BitrixField("ACTIVE", "active", .flag, "char", "Активен"),
        BitrixField("VAT_INCLUDED", "vatIncluded", .flag, "char", "НДС включён в цену"),
        BitrixField("VAT_RATE", "vatRate", .text, "string", "Ставка НДС"),
        BitrixField("XML_ID", "sku", .text, "string", "Внешний код"),
        BitrixField("CREATED_BY", "createdBy", .id, "user", "Кем создан", readOnly: true),
        BitrixField("MODIFIED_BY", "updatedBy", .id, "user", "Кем изменён", readOnly: true),
        BitrixField("DATE_CREATE", "createdAt", .instant, "datetime", "Дата создания", readOnly: true),
        BitrixField("TIMESTAMP_X", "updatedAt", .instant, "datetime", "Дата изменения", readOnly: true),
    ], hasCustomFields: false)
}
