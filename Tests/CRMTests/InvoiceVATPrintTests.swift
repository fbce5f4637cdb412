import Foundation
import JSONKit
import Testing
@testable import CRM

/// The rows of the VAT and discount cases.
enum InvoiceVATCases {
    /// 22 % and 10 % inside the price, and a row without VAT: VAT 180.33 and 50.00, total 1 850.00.
    static let mixedRates: [JSON] = [
        ["name": "Камера IP", "price": "1000", "vatRate": "22"],
        ["name": "Книга «Монтаж систем видеонаблюдения»", "price": "550", "vatRate": "10"],
        ["name": "Консультация (без НДС)", "price": "300", "vatRate": "none", "unit": ["code": "876"]],
    ]
    /// 22 % on top of 2 × 1 000.00: VAT 440.00, total 2 440.00.
    static let onTop: [JSON] = [["name": "Монтаж", "price": "1000", "quantity": "2", "vatRate": "22", "vatIncluded": false, "unit": ["code": "876"]]]
    /// 10 % off 15 000.00 and a row without a discount: 33 000.00 before, 1 500.00 off, 31 500.00.
    static let discounted: [JSON] = [
        ["name": "Камера IP", "price": "4500", "quantity": "4"],
        ["name": "Монтаж", "price": "15000", "unit": ["code": "876"], "discount": ["type": "percent", "value": "10"]],
    ]
    static let withoutVAT: [JSON] = [["name": "Консультация", "price": "1000", "vatRate": "none", "unit": ["code": "876"]]]
}

/// VAT as the form requires it (a line per rate, the rate per row when rates differ, «Сумма НДС»
/// on top), discounts shown, the QR code's VAT phrase, and one VAT mode per invoice.
@Suite struct InvoiceVATPrintTests {
    @Test func eachRatePrintsItsOwnLineAndTheRowsShowTheirRate() throws {
        let fixture = try CRMFixture()
        let cases = InvoiceCases(fixture)
        let invoice = try cases.invoice(InvoiceVATCases.mixedRates)
        let layout = try cases.layout(invoice)
        InvoiceLayoutTests().expectClean(layout)
        let lines = layout.lines(page: 1)
        #expect(lines.contains("№ Товары (работы, услуги) Кол-во Ед. Цена НДС Сумма"), "\(lines)")
        #expect(lines.contains("1 Камера IP 1 шт 1 000,00 22 % 1 000,00"), "\(lines)")
        #expect(lines.contains("3 Консультация (без НДС) 1 усл. ед 300,00 Без НДС 300,00"), "\(lines)")
        #expect(layout.value(after: "В том числе НДС 22 %:") == "180,33")
        #expect(layout.value(after: "В том числе НДС 10 %:") == "50,00")
        #expect(layout.value(after: "Итого:") == "1 850,00")
        #expect(layout.value(after: "Всего к оплате:") == "1 850,00")
        #expect(!lines.contains { $0.contains("Без налога") })
        #expect(invoice["totals"]?["vat"] == "230.33")

        let html = try cases.html(invoice)
        #expect(html.contains("<th>Цена</th><th>НДС</th><th>Сумма</th>"))
        #expect(html.contains("<td class=\"num\">Без НДС</td>"))
        #expect(html.contains("<tr><td>В том числе НДС 22 %:</td><td class=\"num\">180,33</td></tr>"))
        #expect(html.contains("<tr><td>В том числе НДС 10 %:</td><td class=\"num\">50,00</td></tr>"))
        #expect(!html.contains("<th>Скидка</th>") && !html.contains("Без налога"))
    }

    @Test func vatOnTopPrintsItsSumAndATotalThatAddsUp() throws {
        let fixture = try CRMFixture()
        let cases = InvoiceCases(fixture)
        let layout = try cases.layout(try cases.invoice(InvoiceVATCases.onTop))
        let lines = layout.lines(page: 1)
        #expect(lines.contains("№ Товары (работы, услуги) Кол-во Ед. Цена Сумма"), "\(lines)")
        #expect(layout.value(after: "Итого:") == "2 000,00")
        #expect(layout.value(after: "Сумма НДС 22 %:") == "440,00")
        #expect(layout.value(after: "Всего к оплате:") == "2 440,00")
        #expect(lines.contains("Всего наименований 1, на сумму 2 440,00 руб."))
        #expect(!lines.contains { $0.contains("В том числе") })
    }

    @Test func withoutVATTheInvoiceSaysSo() throws {
        let fixture = try CRMFixture()
        let cases = InvoiceCases(fixture)
        let invoice = try cases.invoice(InvoiceVATCases.withoutVAT)
        let layout = try cases.layout(invoice)
        #expect(layout.value(after: "Без налога (НДС)") == "—")
        #expect(!layout.lines(page: 1).contains { $0.contains("В том числе") || $0.contains("Сумма НДС") })
        #expect(try cases.html(invoice).contains("<tr><td>Без налога (НДС)</td><td class=\"num\">—</td></tr>"))
    }

    @Test func aDiscountShowsThePriceBeforeItTheDiscountAndTheSumAfterIt() throws {
        let fixture = try CRMFixture()
        let cases = InvoiceCases(fixture)
        let invoice = try cases.invoice(InvoiceVATCases.discounted)
        let layout = try cases.layout(invoice)
        InvoiceLayoutTests().expectClean(layout)
        let lines = layout.lines(page: 1)
        #expect(lines.contains("№ Товары (работы, услуги) Кол-во Ед. Цена Скидка Сумма"), "\(lines)")
        #expect(lines.contains("1 Камера IP 4 шт 4 500,00 — 18 000,00"), "\(lines)")
        #expect(lines.contains("2 Монтаж 1 усл. ед 15 000,00 1 500,00 13 500,00"), "\(lines)")
        #expect(layout.value(after: "Сумма без скидки:") == "33 000,00")
        #expect(layout.value(after: "Скидка:") == "1 500,00")
        #expect(layout.value(after: "Итого:") == "31 500,00")
        #expect(layout.value(after: "В том числе НДС 22 %:") == "5 680,33")
        #expect(layout.value(after: "Всего к оплате:") == "31 500,00")

        let html = try cases.html(invoice)
        #expect(html.contains("<th>Цена</th><th>Скидка</th><th>Сумма</th>"))
        #expect(html.contains("<td class=\"num\">15\u{00A0}000,00</td><td class=\"num\">1\u{00A0}500,00</td><td class=\"num\">13\u{00A0}500,00</td>"))
        #expect(html.contains("<tr><td>Скидка:</td><td class=\"num\">1\u{00A0}500,00</td></tr>"))
    }

    /// The payment QR code as drawn in the PDF, read back from a page image by zbarimg.
    func decodedQR(_ cases: InvoiceCases, _ invoice: JSON) throws -> [String: String] {
        let directory = cases.fixture.directory.appendingPathComponent("qr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let pdf = directory.appendingPathComponent("invoice.pdf").path
        try Data(try cases.pdf(invoice)).write(to: URL(fileURLWithPath: pdf))
        try PrintTools.run("pdftoppm", ["-r", "150", "-png", "-singlefile", pdf, directory.appendingPathComponent("page").path])
        let text = String(decoding: try PrintTools.run("zbarimg", ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable",
                                                                    directory.appendingPathComponent("page.png").path]), as: UTF8.self)
        #expect(text.hasPrefix("ST00012|"))
        var fields: [String: String] = [:]
        for part in text.trimmingCharacters(in: .newlines).split(separator: "|").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            fields[pair[0]] = pair.count > 1 ? pair[1] : ""
        }
        let limits = ["Name": 160, "PersonalAcc": 20, "BankName": 45, "BIC": 9, "CorrespAcc": 20, "PayeeINN": 12, "KPP": 9, "Sum": 18, "Purpose": 210]
        for (key, value) in fields { #expect(value.unicodeScalars.count <= limits[key] ?? 0, "\(key)=\(value)") }
        return fields
    }

    @Test func theQRPurposeCarriesTheVATPhrase() throws {
        let fixture = try CRMFixture()
        var cases = InvoiceCases(fixture)
        cases.payee = InvoiceCases.longPayee
        cases.bank = InvoiceCases.vtb
        let fields = try decodedQR(cases, try cases.invoice(InvoiceVATCases.mixedRates))
        #expect(fields["Purpose"] == "Оплата по счету № 2026-00001 от 05.03.2026. В т.ч. НДС 22 % – 180,33 руб., НДС 10 % – 50,00 руб.")
        #expect(fields["Sum"] == "185000")
        #expect(fields["Name"] == InvoiceCases.longPayee)
        #expect(fields["BankName"] == String(InvoiceCases.longBank.prefix(45)))
        #expect(fields["BIC"] == "044525411" && fields["PersonalAcc"] == "40702810500000000001")

        let other = try CRMFixture()
        let exempt = InvoiceCases(other)
        #expect(try decodedQR(exempt, try exempt.invoice(InvoiceVATCases.withoutVAT))["Purpose"]
                == "Оплата по счету № 2026-00001 от 05.03.2026. НДС не облагается")
    }

    @Test func aVeryLongNumberIsCutBeforeTheVATPhraseIs() {
        let document = InvoiceDocument(invoice: [
            "number": .string(String(repeating: "№", count: 300)), "date": "2026-03-05", "total": "1000.00",
            "rows": [["vatRate": "22", "vat": "180.33"]], "seller": ["name": "ООО «Ромашка»", "bank": ["bik": "044525593"]],
        ])
        let purpose = document.paymentQRText.components(separatedBy: "Purpose=").last ?? ""
        #expect(purpose.unicodeScalars.count == 210)
        #expect(purpose.hasSuffix("№№. В т.ч. НДС 22 % – 180,33 руб."))
    }

    @Test func rowsMixingVATInsideAndOnTopAreRefused() throws {
        let fixture = try CRMFixture()
        let cases = InvoiceCases(fixture)
        do {
            _ = try cases.invoice([["name": "Камера", "price": "1000"], ["name": "Монтаж", "price": "500", "vatIncluded": false]])
            Issue.record("an invoice mixing VAT inside and on top was made")
        } catch let CRMError.invalidValue(field, reason, message) {
            #expect(field == "productRows" && reason == "mixedVatModes")
            #expect(message.contains("vatIncluded"))
        }
        #expect(try fixture.crm.invoices.list(ListRequest())["items"] == [])
    }

    @Test func rowsAtZeroOrWithoutVATGoWithEitherMode() throws {
        for included in [true, false] {
            let fixture = try CRMFixture()
            let cases = InvoiceCases(fixture)
            let invoice = try cases.invoice([["name": "Камера", "price": "1000", "vatIncluded": .bool(included)],
                                             ["name": "Экспорт", "price": "100", "vatRate": "0", "vatIncluded": .bool(!included)],
                                             ["name": "Книга", "price": "100", "vatRate": "none", "vatIncluded": .bool(!included)]])
            let layout = try cases.layout(invoice)
            let label = included ? "В том числе НДС" : "Сумма НДС"
            #expect(layout.value(after: "\(label) 22 %:") == (included ? "180,33" : "220,00"))
            #expect(layout.value(after: "\(label) 0 %:") == "0,00")
            #expect(layout.value(after: "Всего к оплате:") == (included ? "1 200,00" : "1 420,00"))
        }
    }
}
