import Templates

/// A realistic invoice template ("счёт на оплату") and its data, shared by the
/// rendering and speed tests.
enum InvoiceFixture {
    static let template = """
    <!DOCTYPE html>
    <html lang="ru">
    <head><meta charset="utf-8"><title>Счёт № {{ invoice.number }}</title></head>
    <body>
    {{! Bank details block, as in a 1C invoice }}
    <table class="bank">
      <tr><td>{{ seller.bank.name }}</td><td>БИК</td><td>{{ seller.bank.bik }}</td></tr>
      <tr><td>ИНН {{ seller.inn }}{{#if seller.kpp}} КПП {{ seller.kpp }}{{/if}}</td><td>Сч. №</td><td>{{ seller.bank.account }}</td></tr>
    </table>
    <h1>Счёт на оплату № {{ invoice.number }} от {{ invoice.date | date: "long" }}</h1>
    <p>Поставщик: {{ seller.name }}</p>
    <p>Покупатель: {{ buyer.name }}{{#if buyer.kind == "ip"}} (индивидуальный предприниматель){{/if}}</p>
    <table class="rows">
      <tr><th>№</th><th>Товары (работы, услуги)</th><th>Кол-во</th><th>Ед.</th><th>Цена</th><th>Сумма</th></tr>
      {{#each rows as row}}
      <tr{{#if @last}} class="last"{{/if}}><td>{{ @index }}</td><td>{{ row.name }}</td><td>{{ row.qty | number }}</td><td>{{ row.unit | default: "шт" }}</td><td>{{ row.price | money }}</td><td>{{ row.amount | money }}</td></tr>
      {{else}}
      <tr><td colspan="6">Нет позиций</td></tr>
      {{/each}}
    </table>
    <p class="total">Итого: {{ invoice.total | money }}</p>
    {{#if invoice.vat}}
    <p>В том числе НДС: {{ invoice.vat | money }}</p>
    {{else}}
    <p>Без налога (НДС)</p>
    {{/if}}
    <p>Оплатить до {{ invoice.due | date: "numeric" }}.</p>
    {{{ invoice.footer }}}
    </body>
    </html>
    """

    static let seller: TemplateValue = [
        "name": "ООО «Ромашка»",
        "inn": "7707083893",
        "kpp": "773601001",
        "bank": ["name": "ПАО Сбербанк", "bik": "044525225", "account": "40702810938000000001"],
    ]

    static func context(rows: [TemplateValue], total: String, vat: String?) -> TemplateValue {
        [
            "invoice": [
                "number": "А-17", "date": "2026-03-05", "due": "2026-03-15",
                "total": .number(total), "vat": vat.map { .number($0) } ?? .null,
                "footer": "<p class=\"sign\">Руководитель ________</p>",
            ],
            "seller": seller,
            "buyer": ["name": "Иванов Иван & сыновья", "kind": "ip"],
            "rows": .array(rows),
        ]
    }

    /// `count` rows of furniture with prices that need grouping.
    static func context(rows count: Int) -> TemplateValue {
        let rows: [TemplateValue] = (1...count).map { index in
            [
                "name": "Стол письменный <модель \(index)>",
                "qty": .number(String(index % 7 + 1)),
                "price": .number("\(1000 + index).5"),
                "amount": .number("\((1000 + index) * (index % 7 + 1)).75"),
            ]
        }
        return context(rows: rows, total: "123456789.10", vat: "20576131.52")
    }
}
