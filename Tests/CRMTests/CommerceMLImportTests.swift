import Foundation
import JSONKit
import RussianFormats
import Testing
@testable import CRM

@Suite struct CommerceMLImportTests {
    static func file(_ documents: [String], encoding: String = "windows-1251") -> String {
        "<?xml version=\"1.0\" encoding=\"\(encoding)\"?>\n<КоммерческаяИнформация ВерсияСхемы=\"2.05\" ДатаФормирования=\"2026-11-26T10:00:00\">\n"
            + documents.joined(separator: "\n") + "\n</КоммерческаяИнформация>\n"
    }

    static func document(number: String, date: String = "2026-11-25", operation: String, amount: String = "0.00", basis: String? = nil,
                         extra: String = "", requisites: [(String, String)] = []) -> String {
        let values = requisites.map { "<ЗначениеРеквизита><Наименование>\($0.0)</Наименование><Значение>\($0.1)</Значение></ЗначениеРеквизита>" }
        return "<Документ><Ид>1c-\(number)</Ид><Номер>\(number)</Номер><Дата>\(date)</Дата><ХозОперация>\(operation)</ХозОперация>"
            + "<Роль>Продавец</Роль><Валюта>руб</Валюта><Сумма>\(amount)</Сумма>" + (basis.map { "<Основание>\($0)</Основание>" } ?? "") + extra
            + (values.isEmpty ? "" : "<ЗначенияРеквизитов>\(values.joined())</ЗначенияРеквизитов>") + "</Документ>"
    }

    @Test func theReaderTakesTheDeclaredEncodingOrTheBOMAndALoneTIsNoDate() throws {
        let text = Self.file([Self.document(number: "2026-00001", date: "T", operation: "Заказ товара",
                                            requisites: [("Дата оплаты по 1С", "2026-11-26T00:00:00"), ("Номер оплаты по 1С", "88")])])
        let windows = try #require(LegacyEncoding.windows1251.encode(text))
        let (read, encoding) = try CommerceMLReader.parse(windows)
        #expect(encoding == .windows1251 && read.count == 1)
        #expect(read[0].number == "2026-00001" && read[0].date == nil && read[0].operation == "Заказ товара")
        #expect(CommerceMLReader.date(read[0].requisite("дата оплаты по 1с")) == "2026-11-26" && read[0].requisite("Номер оплаты по 1С") == "88")

        let utf8 = [0xEF, 0xBB, 0xBF] + Array(Self.file([Self.document(number: "7", operation: "Заказ товара", extra: "<ПометкаУдаления>true</ПометкаУдаления>")],
                                                        encoding: "windows-1251").utf8)
        let (bom, bomEncoding) = try CommerceMLReader.parse(utf8)
        #expect(bomEncoding == .utf8 && bom[0].markedForDeletion && bom[0].date == "2026-11-25")
        #expect(CommerceMLReader.date("25.11.2026") == "2026-11-25" && CommerceMLReader.date("") == nil && CommerceMLReader.date("2026-02-30") == nil)
        #expect(throws: CommerceMLReader.Failure.self) { try CommerceMLReader.parse(Array("<Файл/>".utf8)) }
        #expect(throws: CommerceMLReader.Failure.self) { try CommerceMLReader.parse(Array("<КоммерческаяИнформация><Документ>".utf8)) }
    }

    @Test func referencesAreReadAsPaymentPurposesAreOrAfterTheNumberSign() {
        #expect(CommerceMLImportService.keys(in: "Счет на оплату № 2026-00015 от 20.11.2026") == [.init(sequence: 15, year: 2026)])
        #expect(CommerceMLImportService.keys(in: "Заказ покупателя № 15 от 20.11.2026") == [.init(sequence: 15, year: 2026)])
        #expect(CommerceMLImportService.keys(in: "2026-15") == [.init(sequence: 15, year: 2026)])
    }

    /// Found by index, not by reading every invoice: a number as written whatever its case, a
    /// number made under the format before the current one, and a bare number two years share
    /// (ambiguous until its date says the year).
    @Test func documentsFindTheirInvoiceByNumberOrKey() throws {
        let (fixture, invoice) = try BankImportTests().prepared()
        let crm = fixture.crm
        let dealID = try #require(invoice["dealId"]?.int64Value)
        _ = try crm.settings.update(["invoiceNumberFormat": "СЧ-{N:4}/{YY}"], by: .user(1))
        let lettered = try crm.invoices.createFromDeal(.init(dealID: dealID, date: "2026-11-21"), by: .user(1))
        let nextYear = try crm.invoices.createFromDeal(.init(dealID: dealID, date: "2027-01-15"), by: .user(1))
        // The year's sequence goes on under the new format; the next year starts again.
        #expect(lettered["number"] == "СЧ-0002/26" && nextYear["number"] == "СЧ-0001/27")
        let text = Self.file([
            Self.document(number: "сч-0002/26", operation: "Заказ товара", extra: "<ПометкаУдаления>true</ПометкаУдаления>"),
            Self.document(number: "А-1", operation: "Акт", basis: "Счет на оплату № 2026-00001 от 20.11.2026"),
            Self.document(number: "А-2", operation: "Акт", basis: "Счет на оплату № 1"),
            Self.document(number: "А-3", operation: "Акт", basis: "Счет на оплату № 1 от 15.01.2027"),
        ])
        let result = try crm.bank.importPayments(format: "commerceml", source: .bytes(try #require(LegacyEncoding.windows1251.encode(text))),
                                                 by: .user(1))
        #expect(result["cancelled"] == 1 && result["attached"] == 2)
        #expect(result["unmatched"] == [["number": "А-2", "reason": "ambiguous"]])
        #expect(try crm.invoices.get(try #require(lettered["id"]?.int64Value))["status"] == "cancelled")
        #expect(try crm.invoices.get(try #require(invoice["id"]?.int64Value))["documents"]?.arrayValue?.map { $0["number"] } == ["А-1"])
        #expect(try crm.invoices.get(try #require(nextYear["id"]?.int64Value))["documents"]?.arrayValue?.map { $0["number"] } == ["А-3"])
    }

    @Test func documentsFrom1CPayCancelAndAttachOnceOnly() throws {
        let (fixture, invoice) = try BankImportTests().prepared()
        let crm = fixture.crm
        let second = try crm.invoices.createFromDeal(.init(dealID: try #require(invoice["dealId"]?.int64Value), date: "2026-11-21"), by: .user(1))
        let third = try crm.invoices.createFromDeal(.init(dealID: try #require(invoice["dealId"]?.int64Value), date: "2026-11-22"), by: .user(1))
        let text = Self.file([
            Self.document(number: "2026-00001", operation: "Заказ товара", requisites: [("Дата оплаты по 1С", "2026-11-26"), ("Номер оплаты по 1С", "88")]),
            Self.document(number: "ТН-5", operation: "Отпуск товара", basis: "Счет на оплату № 2026-00001 от 20.11.2026"),
            Self.document(number: "СФ-5", date: "T", operation: "Счет-фактура", basis: "2026-00001"),
            Self.document(number: "41", operation: "Выплата безналичных денег", amount: "1000.00", basis: "Счет на оплату № 2 от 21.11.2026",
                          extra: "<Оплачен>true</Оплачен>"),
            Self.document(number: "2026-00003", operation: "Заказ товара", extra: "<ПометкаУдаления>true</ПометкаУдаления>"),
            Self.document(number: "2026-00077", operation: "Заказ товара"),
        ])
        let bytes = try #require(LegacyEncoding.windows1251.encode(text))
        let result = try crm.bank.importPayments(format: "commerceml", source: .bytes(bytes), by: .user(1))
        #expect(result["documents"] == 6 && result["payments"] == 2 && result["attached"] == 2 && result["cancelled"] == 1)
        #expect(result["invoicesUpdated"] == 3 && result["unmatched"] == [["number": "2026-00077", "reason": "notFound"]])

        let paid = try crm.invoices.get(invoice.id)
        #expect(paid["status"] == "paid" && paid["payments"]?.arrayValue?.first?["date"] == "2026-11-26")
        #expect(paid["payments"]?.arrayValue?.first?["reference"] == "1С: оплата № 88 от 26.11.2026" && paid["payments"]?.arrayValue?.first?["source"] == "1c")
        let documents = try crm.invoiceDocuments.documents(invoiceID: invoice.id)["items"]?.arrayValue ?? []
        #expect(documents.map { $0["kind"] } == ["waybill", "invoiceFactura"] && documents.map { $0["date"] } == ["2026-11-25", .null])
        let partly = try crm.invoices.get(second.id)
        #expect(partly["status"] == "partiallyPaid" && partly["paid"] == "1000.00")
        #expect(try crm.invoices.get(third.id)["status"] == "cancelled")

        let again = try crm.bank.importPayments(format: "commerceml", source: .bytes(bytes), by: .user(1))
        #expect(again["payments"] == 0 && again["attached"] == 0 && again["cancelled"] == 0 && again["invoicesUpdated"] == 0)
        #expect(try crm.invoices.get(second.id)["paid"] == "1000.00")
    }
}
