import Foundation
import JSONKit
import RussianFormats
import Testing
@testable import CRM

/// The CommerceML writer on invoices made by hand: escaping, VAT inside and on top, goods and
/// services, the order requisites, Windows-1251 bytes and what 1251 cannot hold.
@Suite struct CommerceMLWriterTests {
    static func row(_ name: String, price: String, quantity: String, unit: (String, String) = ("796", "шт"), rate: String = "22",
                    included: Bool = true, vat: String, sum: String, total: String, productID: Int64? = nil) -> JSON {
        ["name": .string(name), "price": .string(price), "quantity": .string(quantity), "unit": ["code": .string(unit.0), "name": .string(unit.1)],
         "vatRate": .string(rate), "vatIncluded": .bool(included), "vat": .string(vat), "sum": .string(sum), "total": .string(total),
         "productId": productID.map(JSON.int) ?? .null]
    }

    static func invoice(id: Int64 = 7, rows: [JSON], vatMode: String, vat: String, total: String, status: String = "sent",
                        payerName: String = "ООО «Рога & Копыта»", payments: [JSON] = []) -> JSON {
        ["id": .int(id), "number": "2026-00007", "date": "2026-11-20", "currency": "RUB", "total": .string(total), "status": .string(status),
         "payer": ["entityType": "company", "id": 3, "preset": "legal", "name": .string(payerName), "inn": "7707083893", "kpp": "773601001",
                   "address": "г. Москва, ул. Вавилова, д. 19"],
         "totals": ["vat": .string(vat), "total": .string(total), "vatMode": .string(vatMode)], "rows": .array(rows), "payments": .array(payments)]
    }

    static let bank: JSON = ["account": "40702810938000000001", "bik": "044525225", "bankName": "ПАО Сбербанк", "corrAccount": "30101810400000000225"]

    /// The file in UTF-8 text, with the writer's encoding.
    func write(_ invoices: [JSON], encoding: CommerceMLWriter.Encoding = .utf8) throws -> [UInt8] {
        try CommerceMLWriter(encoding: encoding, version: "2.05")
            .file(invoices.map { CommerceMLWriter.Invoice(json: $0, payerBank: Self.bank) }, generatedAt: "2026-12-06T03:42:33Z")
    }

    @Test func vatInsideThePrice() throws {
        let json = Self.invoice(rows: [Self.row("Камера", price: "4500.00", quantity: "2", vat: "1622.95", sum: "9000.00", total: "9000.00", productID: 12)],
                                vatMode: "included", vat: "1622.95", total: "9000.00")
        let text = String(decoding: try write([json]), as: UTF8.self)
        #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<КоммерческаяИнформация ВерсияСхемы=\"2.05\" ДатаФормирования=\"2026-12-06T03:42:33\">"))
        #expect(text.contains("<Ид>crmd-invoice-7</Ид>\n\t\t<Номер>2026-00007</Номер>\n\t\t<Дата>2026-11-20</Дата>"))
        #expect(text.contains("<Сумма>9000.00</Сумма>\n\t\t<Контрагенты>"))
        #expect(text.contains("<Налоги>\n\t\t\t<Налог>\n\t\t\t\t<Наименование>НДС</Наименование>\n\t\t\t\t<УчтеноВСумме>true</УчтеноВСумме>\n\t\t\t\t<Сумма>1622.95</Сумма>"))
        #expect(text.contains("<Ид>crmd-product-12</Ид>"))
        #expect(text.contains("<БазоваяЕдиница Код=\"796\" НаименованиеПолное=\"Штука\" МеждународноеСокращение=\"PCE\">шт</БазоваяЕдиница>"))
        #expect(text.contains("<Ставка>22</Ставка>"))
        #expect(text.contains("<Наименование>ВидНоменклатуры</Наименование>\n\t\t\t\t\t\t<Значение>Товар</Значение>"))
        #expect(text.contains("<НомерСчета>40702810938000000001</НомерСчета>\n\t\t\t\t\t\t<Банк>\n\t\t\t\t\t\t\t<Наименование>ПАО Сбербанк</Наименование>\n\t\t\t\t\t\t\t<БИК>044525225</БИК>"))
        #expect(text.contains("<Наименование>Заказ оплачен</Наименование>\n\t\t\t\t<Значение>false</Значение>"))
        #expect(text.contains("<Наименование>Статус заказа</Наименование>\n\t\t\t\t<Значение>Выставлен</Значение>"))
        #expect(!text.contains("Дата оплаты"))
    }

    @Test func vatOnTopAndAServiceWithoutVAT() throws {
        let json = Self.invoice(rows: [Self.row("Монтаж", price: "1000.00", quantity: "3", unit: ("876", "усл. ед"), included: false, vat: "660.00",
                                                sum: "3000.00", total: "3660.00"),
                                       Self.row("Доставка", price: "500.00", quantity: "1", unit: ("876", "усл. ед"), rate: "none", vat: "0.00",
                                                sum: "500.00", total: "500.00")],
                                vatMode: "onTop", vat: "660.00", total: "4160.00", status: "paid",
                                payments: [["date": "2026-11-25", "amount": "4160.00", "reference": "п/п № 118 от 25.11.2026"]])
        let text = String(decoding: try write([json]), as: UTF8.self)
        #expect(text.contains("<Сумма>4160.00</Сумма>\n\t\t<Контрагенты>"))
        #expect(text.contains("<УчтеноВСумме>false</УчтеноВСумме>\n\t\t\t\t<Сумма>660.00</Сумма>"))
        #expect(text.contains("<Ид>crmd-invoice-7-row-1</Ид>") && text.contains("<Ид>crmd-invoice-7-row-2</Ид>"))
        #expect(text.contains("<БазоваяЕдиница Код=\"876\" НаименованиеПолное=\"Условная единица\">усл. ед</БазоваяЕдиница>"))
        #expect(text.contains("<Ставка>Без НДС</Ставка>"))
        // The row without VAT has no tax of its own: one row's Налоги, one document's.
        #expect(text.components(separatedBy: "<Налоги>").count == 3)
        #expect(!text.contains("<Значение>Товар</Значение>") && text.contains("<Значение>Услуга</Значение>"))
        #expect(text.contains("<Наименование>Заказ оплачен</Наименование>\n\t\t\t\t<Значение>true</Значение>"))
        #expect(text.contains("<Наименование>Дата оплаты</Наименование>\n\t\t\t\t<Значение>2026-11-25</Значение>"))
        #expect(text.contains("<Значение>п/п № 118 от 25.11.2026</Значение>"))
    }

    @Test func markupInTextIsEscaped() throws {
        let json = Self.invoice(rows: [Self.row("Кабель <UTP> \"5e\" & 'cat'", price: "10.00", quantity: "1", vat: "1.80", sum: "10.00", total: "10.00")],
                                vatMode: "included", vat: "1.80", total: "10.00")
        let text = String(decoding: try write([json]), as: UTF8.self)
        #expect(text.contains("<Наименование>Кабель &lt;UTP&gt; &quot;5e&quot; &amp; &apos;cat&apos;</Наименование>"))
        #expect(text.contains("<Наименование>ООО «Рога &amp; Копыта»</Наименование>"))
        #expect(!text.contains("<UTP>"))
    }

    @Test func windows1251BytesWithNearestForms() throws {
        let json = Self.invoice(rows: [Self.row("Плитка 60×60 — 2 м² за 1 500 ₽, Crème", price: "1500.00", quantity: "2", unit: ("055", "м²"),
                                                vat: "540.98", sum: "3000.00", total: "3000.00")],
                                vatMode: "included", vat: "540.98", total: "3000.00", payerName: "ООО «Ёлка» № 1")
        let bytes = try write([json], encoding: .windows1251)
        #expect(Array(bytes.prefix(44)) == Array("<?xml version=\"1.0\" encoding=\"windows-1251\"?>".utf8.prefix(44)))
        // «Ё» and «№» are in 1251 as single bytes; «—» too.
        #expect(bytes.contains(0xA8) && bytes.contains(0xB9) && bytes.contains(0x97) && bytes.contains(0xAB))
        let text = LegacyEncoding.windows1251.decode(bytes)
        #expect(text.contains("<Наименование>Плитка 60x60 — 2 м2 за 1 500 руб., Creme</Наименование>"))
        #expect(text.contains("<Наименование>ООО «Ёлка» № 1</Наименование>"))
        #expect(!text.contains("?<") && !text.contains("\u{FFFD}"))
    }

    @Test func unrepresentableTextIsAnErrorNamingTheInvoice() throws {
        let json = Self.invoice(id: 41, rows: [Self.row("Камера 📷", price: "10.00", quantity: "1", vat: "1.80", sum: "10.00", total: "10.00")],
                                vatMode: "included", vat: "1.80", total: "10.00")
        #expect(throws: CommerceMLWriter.InvoiceUnrepresentable(invoiceID: 41, text: "Камера 📷", character: "📷")) { try write([json], encoding: .windows1251) }
        // UTF-8 holds it as it is.
        #expect(String(decoding: try write([json]), as: UTF8.self).contains("<Наименование>Камера 📷</Наименование>"))
    }
}
