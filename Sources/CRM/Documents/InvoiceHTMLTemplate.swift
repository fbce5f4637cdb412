/// The built-in «Счет на оплату» page: one self-contained HTML document that looks right in a
/// browser and prints on A4, laid out as 1C and Bitrix print it (REFERENCE-ru.md): bank block,
/// title with the long date, supplier and buyer, basis, table, totals with a VAT line per rate,
/// item count, amount in words, due date, signatures, payment QR code.
///
/// Printing: long names wrap inside their cells (the bank block has fixed column widths; the
/// BIK and the accounts never wrap), the table's `<thead>` repeats on every printed page, a row
/// is never cut in two, and the final block (totals to signatures) stays together.
enum InvoiceHTMLTemplate {
    static let source = #"""
<!DOCTYPE html>
<html lang="ru">
<head>
<meta charset="utf-8">
<title>{{ print.title }}</title>
<style>
@page { size: A4; margin: 15mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; color: #000; max-width: 180mm; margin: 0 auto; }
table { border-collapse: collapse; width: 100%; }
.bank { table-layout: fixed; }
.bank td { border: 1px solid #000; padding: 2px 4px; vertical-align: top; overflow-wrap: anywhere; }
.bank td.code { white-space: nowrap; }
.bank .caption { font-size: 8pt; }
h1 { font-size: 14pt; border-bottom: 2px solid #000; padding-bottom: 4px; margin: 14px 0 8px; }
.parties td { padding: 3px 0; vertical-align: top; overflow-wrap: anywhere; }
.parties td.label { width: 32mm; }
.items th, .items td { border: 1px solid #000; padding: 2px 4px; }
.items th { background: #eee; }
.items thead { display: table-header-group; }
.items tr { break-inside: avoid; }
.items td { overflow-wrap: anywhere; }
.num { text-align: right; white-space: nowrap; }
.totals td { text-align: right; padding: 1px 4px; font-weight: bold; }
.words { font-weight: bold; margin: 6px 0; }
.signatures { margin-top: 18px; }
.signatures td { padding: 12px 4px 0; }
.line { border-bottom: 1px solid #000; width: 45mm; }
.qr { float: right; margin-left: 8px; }
.final { break-inside: avoid; }
.signatures td { overflow-wrap: anywhere; }
</style>
</head>
<body>
<table class="bank">
<colgroup><col style="width: 29%"><col style="width: 29%"><col style="width: 10%"><col style="width: 32%"></colgroup>
<tr><td colspan="2" rowspan="2">{{ invoice.seller.bank.bankName }}{{#if invoice.seller.bank.bankCity}}, {{ invoice.seller.bank.bankCity }}{{/if}}<br><span class="caption">Банк получателя</span></td><td class="code">БИК</td><td class="code">{{ invoice.seller.bank.bik }}</td></tr>
<tr><td class="code">Сч. №</td><td class="code">{{ invoice.seller.bank.corrAccount }}</td></tr>
<tr><td>ИНН {{ invoice.seller.inn }}</td><td>КПП {{ invoice.seller.kpp }}</td><td class="code" rowspan="2">Сч. №</td><td class="code" rowspan="2">{{ invoice.seller.bank.account }}</td></tr>
<tr><td colspan="2">{{ invoice.seller.name }}<br><span class="caption">Получатель</span></td></tr>
</table>
{{#if print.qrSVG}}<div class="qr">{{{ print.qrSVG }}}</div>{{/if}}
<h1>{{ print.title }}</h1>
<table class="parties">
<tr><td class="label">Поставщик<br>(Исполнитель):</td><td><b>{{ invoice.seller.name }}, ИНН {{ invoice.seller.inn }}{{#if invoice.seller.kpp}}, КПП {{ invoice.seller.kpp }}{{/if}}{{#if invoice.seller.address}}, {{ invoice.seller.address }}{{/if}}{{#if invoice.seller.phone}}, тел.: {{ invoice.seller.phone }}{{/if}}</b></td></tr>
<tr><td class="label">Покупатель<br>(Заказчик):</td><td><b>{{ invoice.payer.name }}{{#if invoice.payer.inn}}, ИНН {{ invoice.payer.inn }}{{/if}}{{#if invoice.payer.kpp}}, КПП {{ invoice.payer.kpp }}{{/if}}{{#if invoice.payer.address}}, {{ invoice.payer.address }}{{/if}}</b></td></tr>
{{#if invoice.basis}}<tr><td class="label">Основание:</td><td><b>{{ invoice.basis }}</b></td></tr>{{/if}}
</table>
<table class="items">
<thead><tr><th>№</th><th>Товары (работы, услуги)</th><th>Кол-во</th><th>Ед.</th><th>Цена</th>{{#if print.showsDiscount}}<th>Скидка</th>{{/if}}{{#if print.showsVATRate}}<th>НДС</th>{{/if}}<th>Сумма</th></tr></thead>
<tbody>
{{#each print.rows as row}}
<tr><td class="num">{{ row.number }}</td><td>{{ row.name }}</td><td class="num">{{ row.quantity }}</td><td>{{ row.unit }}</td><td class="num">{{ row.price }}</td>{{#if print.showsDiscount}}<td class="num">{{ row.discount }}</td>{{/if}}{{#if print.showsVATRate}}<td class="num">{{ row.vatRate }}</td>{{/if}}<td class="num">{{ row.sum }}</td></tr>
{{/each}}
</tbody>
</table>
<div class="final">
<table class="totals">
{{#each print.totals as line}}
<tr><td>{{ line.label }}</td><td class="num">{{ line.value }}</td></tr>
{{/each}}
</table>
<p>{{ print.itemsLine }}</p>
<p class="words">{{ invoice.amountInWords }}</p>
{{#if print.dueDate}}<p>Оплатить не позднее {{ print.dueDate }}</p>{{/if}}
<table class="signatures">
{{#if print.soleProprietor}}
<tr><td>Индивидуальный предприниматель</td><td class="line"></td><td>{{ print.soleProprietorSigner }}</td></tr>
{{else}}
<tr><td>Руководитель</td><td class="line"></td><td>{{ invoice.seller.director | default: "" }}</td><td>Бухгалтер</td><td class="line"></td><td>{{ invoice.seller.accountant | default: "" }}</td></tr>
{{/if}}
</table>
</div>
</body>
</html>
"""#
}
