/// The built-in deal documents (S18) besides the invoice: a contract, a commercial offer (КП)
/// and an act of work done, filled from the deal, its company, contact, requisites, custom
/// fields and products. Users add their own with `template.add`.
enum DealDocumentTemplates {
    static let style = """
    <style>
    @page { size: A4; margin: 20mm; }
    body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; max-width: 170mm; margin: 0 auto; }
    h1 { font-size: 14pt; text-align: center; }
    table { border-collapse: collapse; width: 100%; }
    th, td { border: 1px solid #000; padding: 2px 4px; }
    .num { text-align: right; white-space: nowrap; }
    </style>
    """

    static let rowsTable = """
    <table>
    <tr><th>№</th><th>Наименование</th><th>Кол-во</th><th>Ед.</th><th>Цена</th><th>Сумма</th></tr>
    {{#each rows as row}}
    <tr><td class="num">{{ @index }}</td><td>{{ row.name }}</td><td class="num">{{ row.quantity | number }}</td><td>{{ row.unit.name }}</td><td class="num">{{ row.price | money }}</td><td class="num">{{ row.sum | money }}</td></tr>
    {{/each}}
    </table>
    <p>Итого: {{ totals.total | money }} руб.{{#if totals.vatMode == "included"}}, в том числе НДС {{ totals.vat | money }} руб.{{/if}}{{#if totals.vatMode == "onTop"}}, включая НДС {{ totals.vat | money }} руб.{{/if}}{{#if totals.vatMode == "none"}}, без НДС{{/if}} ({{ amountInWords }}).</p>
    """

    static let builtIn: [(code: String, title: String, kind: String, body: String)] = [
        ("contract", "Договор", "contract", """
        <!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>Договор № {{ deal.contractNumber | default: "б/н" }}</title>
        \(style)</head><body>
        <h1>Договор № {{ deal.contractNumber | default: "б/н" }}</h1>
        <p>{{#if deal.contractDate}}{{ deal.contractDate | date: "long" }}{{else}}{{ today | date: "long" }}{{/if}}</p>
        <p>{{ seller.name }}, ИНН {{ seller.inn }}, в лице {{ seller.directorTitle | default: "руководителя" }} {{ seller.director | default: "" }}, именуемое в дальнейшем «Исполнитель», и {{ payer.name }}{{#if payer.inn}}, ИНН {{ payer.inn }}{{/if}}, именуемый в дальнейшем «Заказчик», заключили настоящий договор о нижеследующем.</p>
        <h2>1. Предмет договора</h2>
        <p>Исполнитель обязуется выполнить работы и поставить товары, а Заказчик — принять и оплатить их:</p>
        \(rowsTable)
        {{#if deal.custom.site_address}}<p>Адрес объекта: {{ deal.custom.site_address }}.</p>{{/if}}
        <h2>2. Реквизиты сторон</h2>
        <p>Исполнитель: {{ seller.name }}, ИНН {{ seller.inn }}{{#if seller.kpp}}, КПП {{ seller.kpp }}{{/if}}, {{ seller.address | default: "" }}, р/с {{ seller.bank.account }} в {{ seller.bank.bankName }}, БИК {{ seller.bank.bik }}.</p>
        <p>Заказчик: {{ payer.name }}{{#if payer.inn}}, ИНН {{ payer.inn }}{{/if}}{{#if payer.address}}, {{ payer.address }}{{/if}}.</p>
        </body></html>
        """),
        ("offer", "Коммерческое предложение", "offer", """
        <!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>Коммерческое предложение</title>
        \(style)</head><body>
        <p>{{ seller.name }}</p>
        <h1>Коммерческое предложение</h1>
        <p>{{ today | date: "long" }}</p>
        <p>Уважаемый{{#if contact.name}} {{ contact.name }}{{/if}}! Предлагаем по вашему запросу «{{ deal.title }}»:</p>
        \(rowsTable)
        <p>С уважением, {{ seller.director | default: "" }}</p>
        </body></html>
        """),
        ("act", "Акт выполненных работ", "act", """
        <!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>Акт</title>
        \(style)</head><body>
        <h1>Акт выполненных работ</h1>
        <p>{{ today | date: "long" }}{{#if deal.contractNumber}}, по договору № {{ deal.contractNumber }}{{#if deal.contractDate}} от {{ deal.contractDate | date: "numeric" }}{{/if}}{{/if}}</p>
        <p>Исполнитель: {{ seller.name }}, ИНН {{ seller.inn }}. Заказчик: {{ payer.name }}{{#if payer.inn}}, ИНН {{ payer.inn }}{{/if}}.</p>
        \(rowsTable)
        <p>Работы выполнены полностью и в срок. Заказчик претензий по объёму, качеству и срокам не имеет.</p>
        <p>Исполнитель ____________ {{ seller.director | default: "" }} &nbsp;&nbsp;&nbsp; Заказчик ____________</p>
        </body></html>
        """),
    ]
}
