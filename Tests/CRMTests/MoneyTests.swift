import Foundation
import JSONKit
import Testing
@testable import CRM

@Suite struct MoneyTests {
    @Test func parsesAndFormatsExactly() throws {
        #expect(Money.parse("1200.5")?.minor == 120_050)
        #expect(Money.parse("0.01")?.minor == 1)
        #expect(Money.parse("1.005") == nil)
        #expect(Money.parse("-5") == nil)
        #expect(Money.parse("-5", allowNegative: true)?.decimalText == "-5.00")
        #expect(Money.parse("1e3") == nil)
        #expect(Money.parse("9999999999999.99")?.decimalText == "9999999999999.99")
        #expect(Money.parse("10000000000000000") == nil)
        #expect(Money.parse("10000000000000.00") == nil)
        #expect(try DecimalScaled.parse("1.5", scale: 3, maximum: InvoiceLine.maximumQuantity) == 1500)
        #expect(DecimalScaled.format(1500, scale: 3, trimZeros: true) == "1.5")
        #expect(DecimalScaled.divideRounded(5, 10) == 1)
        #expect(DecimalScaled.divideRounded(-5, 10) == -1)
        #expect(DecimalScaled.divideRounded(4, 10) == 0)
    }

    func line(_ price: Int64, _ quantity: Int64 = 1000, rate: VATRate = .r22, included: Bool = true,
              discount: InvoiceLine.Discount? = nil) throws -> InvoiceLine {
        try InvoiceLine(productID: nil, name: "x", price: price, quantity: quantity, unit: .piece, discount: discount, vatRate: rate, vatIncluded: included)
    }

    @Test func vatAsOneCComputesIt() throws {
        #expect(try line(100_000).vat == 18_033)
        #expect(try line(100_000, included: false).vat == 22_000)
        #expect(try line(100_000, included: false).total == 122_000)
        let three = try InvoiceTotals([line(10_000), line(10_000), line(10_000)])
        #expect(three.vat == 5_409)
        #expect(three.total == 30_000)
        #expect(three.vatMode == "included")
        #expect(try line(100_000, rate: .none).vat == 0)
        #expect(try line(33_333, 3_000).gross == 99_999)
        #expect(try line(1_999, 1_500).gross == 2_999)      // 29.985 → 29.99 half-up
        #expect(try line(100_000, discount: .percent(1_250)).sum == 87_500)
        #expect(try line(100_000, discount: .amount(150_000)).sum == 0)
    }

    @Test func randomRowsAddUpLineByLine() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let lines = try (0..<Int.random(in: 1...12, using: &generator)).map { _ in
                try line(Int64.random(in: 0...10_000_000, using: &generator), Int64.random(in: 1...100_000, using: &generator),
                     rate: VATRate.allCases.randomElement(using: &generator)!, included: Bool.random(using: &generator),
                     discount: Bool.random(using: &generator) ? .percent(Int64.random(in: 0...10_000, using: &generator)) : nil)
            }
            let totals = try InvoiceTotals(lines)
            #expect(totals.total == lines.reduce(0) { $0 + $1.total })
            #expect(totals.vat == lines.reduce(0) { $0 + $1.vat })
            #expect(totals.subtotal - totals.discount == lines.reduce(0) { $0 + $1.sum })
            for line in lines {
                #expect(line.sum >= 0 && line.sum <= line.gross)
                #expect(line.vat >= 0 && line.vat <= (line.vatIncluded ? line.sum : line.sum / 2 + 1))
                // Exact check of the rounding: |vat − exact| ≤ half a kopeck.
                let rate = Double(line.vatRate.percent)
                let exact = line.vatIncluded ? Double(line.sum) * rate / (100 + rate) : Double(line.sum) * rate / 100
                #expect(abs(Double(line.vat) - exact) <= 0.5 + 1e-6)
            }
        }
    }
}

@Suite struct InvoiceTests {
    /// A seller with requisites and a bank account, a buyer company with requisites, a deal with two rows.
    func prepared(_ fixture: CRMFixture) throws -> (deal: JSON, buyer: JSON) {
        let crm = fixture.crm
        let seller = try crm.records(.company).add(fields: ["title": "Моя компания", "isMyCompany": true], idempotencyKey: nil, by: .user(1))
        let sellerRequisite = try crm.requisites.add(.init(entityType: .company, entityID: seller.id, preset: "legal", name: nil, fields: [
            "inn": "7707083893", "kpp": "773601001", "shortName": "ООО «Видеосистемы»", "legalAddress": "Москва, Тверская, 1",
            "directorName": "Смирнов А. А.", "accountantName": "Кузнецова Е. В.",
        ], lookup: false, renameEntity: nil), by: .user(1))
        _ = try crm.bankDetails.add(requisiteID: sellerRequisite.id, fields: [
            "bik": "044525593", "account": "40702810801400016513", "bankName": "АО «Альфа-Банк»",
        ], by: .user(1))
        let buyer = try crm.records(.company).add(fields: ["title": "ИП Петров"], idempotencyKey: nil, by: .user(1))
        _ = try crm.requisites.add(.init(entityType: .company, entityID: buyer.id, preset: "ip", name: nil, fields: [
            "inn": "500100732259", "ogrnip": "304500116000157", "shortName": "ИП Петров И. С.",
        ], lookup: false, renameEntity: nil), by: .user(1))
        let product = try crm.records(.product).add(fields: ["name": "Камера IP", "price": "4500", "vatRate": "22",
                                                             "unit": ["code": "796"]], idempotencyKey: nil, by: .user(1))
        let deal = try crm.records(.deal).add(fields: ["title": "Видеонаблюдение", "companyId": .int(buyer.id), "contractNumber": "15",
                                                       "contractDate": "2026-03-01"], idempotencyKey: nil, by: .user(1))
        let rows = try crm.productRows.set(dealID: deal.id, rows: [
            ["productId": .int(product.id), "quantity": "4"],
            ["name": "Монтаж", "price": "15000", "unit": ["code": "876"], "discount": ["type": "percent", "value": "10"]],
        ], by: .user(1))
        #expect(rows["totals"]?["total"] == "31500.00")
        #expect(try crm.records(.deal).get(deal.id)["opportunity"] == "31500.00")
        return (deal, buyer)
    }

    @Test func aMissingPartyOrProductIsListedTogetherS21() throws {
        let fixture = try CRMFixture()
        let deal = try fixture.crm.records(.deal).add(fields: ["title": "Пусто"], idempotencyKey: nil, by: .user(1))
        #expect(throws: CRMError.requiredFieldsMissing(entityType: "deal", id: deal.id, stageId: nil, missing: [
            MissingField(field: "productRows", title: "Товары и услуги"), MissingField(field: "payer", title: "Плательщик"),
            MissingField(field: "seller", title: "Продавец (моя компания)"),
        ])) {
            try fixture.crm.invoices.createFromDeal(.init(dealID: deal.id), by: .user(1))
        }
    }

    @Test func anInvoiceIsASnapshotOfTheDealS20() throws {
        let fixture = try CRMFixture()
        let (deal, buyer) = try prepared(fixture)
        let invoice = try fixture.crm.invoices.createFromDeal(.init(dealID: deal.id, date: "2026-03-05"), by: .user(1))
        #expect(invoice["number"] == "2026-00001")
        #expect(invoice["status"] == "draft")
        #expect(invoice["dueDate"] == "2026-03-10")
        #expect(invoice["basis"] == "Договор № 15 от 01.03.2026")
        #expect(invoice["payer"]?["name"] == "ИП Петров И. С.")
        #expect(invoice["payer"]?["id"] == .int(buyer.id))
        #expect(invoice["seller"]?["bank"]?["account"] == "40702810801400016513")
        #expect(invoice["seller"]?["director"] == "Смирнов А. А.")
        #expect(invoice["total"] == "31500.00")
        #expect(invoice["totals"]?["vat"] == "5680.33")
        #expect(invoice["amountInWords"] == "Тридцать одна тысяча пятьсот рублей 00 копеек")
        #expect(invoice["rows"]?.arrayValue?.first?["unit"] == ["code": "796", "name": "шт"])
        _ = try fixture.crm.productRows.set(dealID: deal.id, rows: [["name": "Другое", "price": "1"]], by: .user(1))
        #expect(try fixture.crm.invoices.get(invoice.id)["total"] == "31500.00")
        let second = try fixture.crm.invoices.createFromDeal(.init(dealID: deal.id, date: "2026-04-01"), by: .user(1))
        #expect(second["number"] == "2026-00002")
        let nextYear = try fixture.crm.invoices.createFromDeal(.init(dealID: deal.id, date: "2027-01-10"), by: .user(1))
        #expect(nextYear["number"] == "2027-00001")
    }

    @Test func paymentsAndStatusesFollowTheMoneyAndTheClock() throws {
        let fixture = try CRMFixture()
        let (deal, _) = try prepared(fixture)
        let today = Timestamp.formatDate(days: fixture.clock.now() / 86_400)
        let invoice = try fixture.crm.invoices.createFromDeal(.init(dealID: deal.id, date: today), by: .user(1))
        _ = try fixture.crm.invoices.setStatus(id: invoice.id, status: "sent", by: .user(1))
        let partial = try fixture.crm.invoices.addPayment(id: invoice.id, amount: "10000", date: today, reference: "п/п 12", by: .user(1))
        #expect(partial["status"] == "partiallyPaid")
        #expect(partial["due"] == "21500.00")
        #expect(throws: CRMError.self) { try fixture.crm.invoices.addPayment(id: invoice.id, amount: "21500.01", date: today, reference: nil, by: .user(1)) }
        #expect(throws: CRMError.self) { try fixture.crm.invoices.addPayment(id: invoice.id, amount: "0.001", date: today, reference: nil, by: .user(1)) }
        fixture.clock.advance(by: 6 * 86_400)
        #expect(try fixture.crm.invoices.get(invoice.id)["status"] == "overdue")
        var overdue = ListRequest()
        overdue.filter = ["status": "overdue"]
        #expect(try fixture.crm.invoices.list(overdue)["items"]?.arrayValue?.map(\.id) == [invoice.id])
        let paid = try fixture.crm.invoices.addPayment(id: invoice.id, amount: "21500", date: today, reference: nil, by: .user(1))
        #expect(paid["status"] == "paid")
        #expect(paid["payments"]?.arrayValue?.count == 2)
        #expect(try fixture.crm.invoices.list(overdue)["items"] == [])
        #expect(throws: CRMError.conflict(reason: "paid", details: ["status": "paid"])) {
            try fixture.crm.invoices.setStatus(id: invoice.id, status: "cancelled", by: .user(1))
        }
        var byPayer = ListRequest()
        byPayer.filter = ["payerInn": "500100732259", ">=total": "30000"]
        #expect(try fixture.crm.invoices.list(byPayer)["items"]?.arrayValue?.count == 1)
    }

    @Test func concurrentCreationGetsConsecutiveNumbers() throws {
        let fixture = try CRMFixture()
        let (deal, _) = try prepared(fixture)
        let numbers = LockedList()
        let crm = fixture.crm
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<10 {
                if let invoice = try? crm.invoices.createFromDeal(.init(dealID: deal.id, date: "2026-06-01"), by: .user(1)),
                   let number = invoice["number"]?.stringValue {
                    numbers.append(number)
                }
            }
        }
        #expect(numbers.values.sorted() == (1...80).map { String(format: "2026-%05d", $0) })
    }

    @Test func settingsMergeAndMaskSecrets() throws {
        let fixture = try CRMFixture()
        let updated = try fixture.crm.settings.update(["invoiceNumberFormat": "СЧ-{N:4}", "mail": ["transport": "smtp", "password": "секрет"]], by: .user(1))
        #expect(updated["mail"]?["password"] == "********")
        #expect(updated["mail"]?["transport"] == "smtp")
        let again = try fixture.crm.settings.update(["mail": ["password": "********", "host": "127.0.0.1"]], by: .user(1))
        #expect(again["mail"]?["host"] == "127.0.0.1")
        #expect(throws: CRMError.self) { try fixture.crm.settings.update(["invoiceNumberFormat": "без номера"], by: .user(1)) }
        #expect(throws: CRMError.self) { try fixture.crm.settings.update(["sellerCompanyId": 99], by: .user(1)) }
        #expect(InvoiceNumbering.render("СЧ-{N:4}", number: 7, year: "2026") == "СЧ-0007")
        #expect(InvoiceNumbering.render("{YY}/{N}", number: 123, year: "2026") == "26/123")
    }
}

/// A list appended to from many threads.
final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ item: String) { lock.lock(); items.append(item); lock.unlock() }
    var values: [String] { lock.lock(); defer { lock.unlock() }; return items }
}

@Suite struct InvoiceDocumentTests {
    func invoice(_ fixture: CRMFixture) throws -> JSON {
        let (deal, _) = try InvoiceTests().prepared(fixture)
        return try fixture.crm.invoices.createFromDeal(.init(dealID: deal.id, date: "2026-03-05"), by: .user(1))
    }

    @Test func htmlIsTheRussianInvoiceLayout() throws {
        let fixture = try CRMFixture()
        let invoice = try invoice(fixture)
        let html = String(decoding: try fixture.crm.documents.renderInvoice(id: invoice.id, format: "html").data, as: UTF8.self)
        for expected in ["Счет на оплату № 2026-00001 от 5 марта 2026 г.", "Банк получателя", "БИК", "044525593", "ИНН 7707083893",
                         "Поставщик", "Покупатель", "ИП Петров И. С.", "Договор № 15 от 01.03.2026", "В том числе НДС 22 %:",
                         "Всего наименований 2, на сумму 31\u{00A0}500,00 руб.", "Тридцать одна тысяча пятьсот рублей 00 копеек",
                         "Руководитель", "Бухгалтер", "Смирнов А. А.", "<svg", "ООО «Видеосистемы»"] {
            #expect(html.contains(expected), "missing \(expected)")
        }
        #expect(!html.contains("{{"))
    }

    @Test func pdfTextCanBeExtractedByAnIndependentReader() throws {
        let fixture = try CRMFixture()
        let invoice = try invoice(fixture)
        let rendered = try fixture.crm.documents.renderInvoice(id: invoice.id, format: "pdf")
        #expect(rendered.contentType == "application/pdf")
        #expect(rendered.data.count < 100_000)
        let path = fixture.directory.appendingPathComponent("invoice.pdf").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(rendered.data)))
        let reader = Process()
        let output = Pipe()
        reader.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        reader.arguments = ["pdftotext", "-layout", path, "-"]
        reader.standardOutput = output
        try reader.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        reader.waitUntilExit()
        #expect(reader.terminationStatus == 0, "pdftotext (poppler-utils) must be installed")
        for expected in ["Счет на оплату № 2026-00001 от 5 марта 2026 г.", "7707083893", "500100732259", "31 500,00",
                         "Тридцать одна тысяча пятьсот рублей 00 копеек", "Камера IP", "Монтаж", "В том числе НДС 22 %:", "5 680,33"] {
            #expect(text.contains(expected), "missing \(expected)")
        }
    }
}
