import Testing
import Templates

@Suite("A realistic invoice")
struct InvoiceTemplateTests {
    private let header = """
    <!DOCTYPE html>
    <html lang="ru">
    <head><meta charset="utf-8"><title>Счёт № А-17</title></head>
    <body>
    <table class="bank">
      <tr><td>ПАО Сбербанк</td><td>БИК</td><td>044525225</td></tr>
      <tr><td>ИНН 7707083893 КПП 773601001</td><td>Сч. №</td><td>40702810938000000001</td></tr>
    </table>
    <h1>Счёт на оплату № А-17 от 5 марта 2026 г.</h1>
    <p>Поставщик: ООО «Ромашка»</p>
    <p>Покупатель: Иванов Иван &amp; сыновья (индивидуальный предприниматель)</p>
    <table class="rows">
      <tr><th>№</th><th>Товары (работы, услуги)</th><th>Кол-во</th><th>Ед.</th><th>Цена</th><th>Сумма</th></tr>

    """

    private let footer = """
    <p>Оплатить до 15.03.2026.</p>
    <p class="sign">Руководитель ________</p>
    </body>
    </html>
    """

    @Test func rendersRowsTotalsAndVAT() throws {
        let rows: [TemplateValue] = [
            ["name": "Кресло \"Директор\"", "qty": .number("2"), "unit": "шт", "price": .number("15000"), "amount": .number("30000")],
            ["name": "Доставка <срочная> & подъём", "qty": .number("1.5"), "unit": "ч", "price": .number("1200.5"), "amount": .number("1800.75")],
            ["name": "Стол", "qty": .number("1"), "price": .number("1234567.8"), "amount": .number("1234567.8")],
        ]
        let context = InvoiceFixture.context(rows: rows, total: "1266368.55", vat: "211061.43")
        let expected = header + """
          <tr><td>1</td><td>Кресло &quot;Директор&quot;</td><td>2</td><td>шт</td><td>15\(nbsp)000,00</td><td>30\(nbsp)000,00</td></tr>
          <tr><td>2</td><td>Доставка &lt;срочная&gt; &amp; подъём</td><td>1,5</td><td>ч</td><td>1\(nbsp)200,50</td><td>1\(nbsp)800,75</td></tr>
          <tr class="last"><td>3</td><td>Стол</td><td>1</td><td>шт</td><td>1\(nbsp)234\(nbsp)567,80</td><td>1\(nbsp)234\(nbsp)567,80</td></tr>
        </table>
        <p class="total">Итого: 1\(nbsp)266\(nbsp)368,55</p>
        <p>В том числе НДС: 211\(nbsp)061,43</p>

        """ + footer
        let output = try Template(InvoiceFixture.template).render(context, strict: false)
        #expect(output == expected)
    }

    @Test func rendersAnEmptyInvoiceWithoutVAT() throws {
        let context = InvoiceFixture.context(rows: [], total: "0", vat: nil)
        let expected = header + """
          <tr><td colspan="6">Нет позиций</td></tr>
        </table>
        <p class="total">Итого: 0,00</p>
        <p>Без налога (НДС)</p>

        """ + footer
        #expect(try Template(InvoiceFixture.template).render(context) == expected)
    }

    @Test func strictModeAcceptsCompleteData() throws {
        // Every path exists (the unit of the last row is covered by `default`).
        let output = try Template(InvoiceFixture.template).render(InvoiceFixture.context(rows: 3), strict: true)
        #expect(output.contains("<td>Стол письменный &lt;модель 3&gt;</td>"))
    }
}
