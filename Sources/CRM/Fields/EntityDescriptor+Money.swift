import Storage

extension EntityDescriptor {
    /// A catalog item: goods or a service with its price, unit and VAT (S19).
    package static let product = EntityDescriptor(type: .product, table: "products", fields: [
        FieldDefinition("id", "ID", .id, readOnly: true),
        FieldDefinition("name", "Название", .string, searchable: true),
        FieldDefinition("sku", "Артикул", .string, searchable: true),
        FieldDefinition("price", "Цена", .money),
        FieldDefinition("currency", "Валюта", .string),
        FieldDefinition("vatRate", "Ставка НДС", .enumeration, options: VATRate.allCases.map(\.rawValue)),
        FieldDefinition("vatIncluded", "НДС включён в цену", .boolean),
        FieldDefinition("unit", "Единица измерения", .unit),
        FieldDefinition("description", "Описание", .text, searchable: true),
        FieldDefinition("active", "Активен", .boolean),
    ] + metaFields, defaults: ["currency": .text("RUB"), "vatRate": .text("22"), "vatIncluded": .integer(1),
                               "unit": .text(Unit.piece.json.text), "active": .integer(1), "price": .text("0.00")],
       sortable: ["id", "name", "price"])

    /// An invoice for payment («Счет на оплату»): a snapshot taken from a deal when it was
    /// created, which later changes to the deal do not alter (S20–S23). Written only by the
    /// invoice service; through the API it is read, listed, paid and given a status.
    package static let invoice = EntityDescriptor(type: .invoice, table: "invoices", fields: [
        FieldDefinition("id", "ID", .id, readOnly: true),
        FieldDefinition("number", "Номер", .string, readOnly: true, searchable: true),
        FieldDefinition("date", "Дата", .date, readOnly: true),
        FieldDefinition("dueDate", "Оплатить до", .date, readOnly: true),
        FieldDefinition("status", "Статус", .enumeration, readOnly: true,
                        options: ["draft", "sent", "paid", "partiallyPaid", "overdue", "cancelled"]),
        FieldDefinition("dealId", "Сделка", .link, readOnly: true, linkTarget: .deal),
        FieldDefinition("currency", "Валюта", .string, readOnly: true),
        FieldDefinition("basis", "Основание", .string, readOnly: true, searchable: true),
        FieldDefinition("payerName", "Плательщик", .string, readOnly: true, searchable: true),
        FieldDefinition("payerInn", "ИНН плательщика", .string, readOnly: true, searchable: true),
        FieldDefinition("payer", "Покупатель", .json, readOnly: true),
        FieldDefinition("seller", "Поставщик", .json, readOnly: true),
        FieldDefinition("rows", "Товары", .json, readOnly: true),
        FieldDefinition("totals", "Итоги", .json, readOnly: true),
        FieldDefinition("total", "Всего к оплате", .money, readOnly: true),
        FieldDefinition("paid", "Оплачено", .money, readOnly: true),
        FieldDefinition("amountInWords", "Сумма прописью", .string, readOnly: true),
        FieldDefinition("comments", "Комментарий", .text, readOnly: true, searchable: true),
        FieldDefinition("assignedTo", "Ответственный", .user, readOnly: true),
        FieldDefinition("opened", "Доступен для всех", .boolean, readOnly: true),
    ] + metaFields, notNull: ["number", "date", "status", "currency", "total", "paid", "opened"], sortable: ["id", "date", "total"],
       kopecksColumns: ["total": "total_kopecks"])
}
