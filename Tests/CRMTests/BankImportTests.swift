import Foundation
import JSONKit
import Testing
@testable import CRM

@Suite struct BankImportTests {
    /// Our company with account 40702810801400016513, the buyer's invoice `2026-00001` for 31500.00.
    func prepared() throws -> (CRMFixture, invoice: JSON) {
        let fixture = try CRMFixture()
        let (deal, _) = try InvoiceTests().prepared(fixture)
        let invoice = try fixture.crm.invoices.createFromDeal(.init(dealID: deal.id, date: "2026-11-20"), by: .user(1))
        #expect(invoice["number"] == "2026-00001")
        return (fixture, invoice)
    }

    static let statement = BankFile.bytes(BankFile.lines([
        BankFile.document(number: "118", amount: "1500.00", purpose: "Аванс по сч.1 за камеры"),
        BankFile.document(number: "119", amount: "30000.00", purpose: "Оплата по счету № 2026-00001 от 20.11.2026"),
        BankFile.document(number: "120", amount: "700.00", payerINN: "7736207543", purpose: "Возврат займа"),
        BankFile.document(number: "9", amount: "100.00", payerAccount: "40702810801400016513", recipientAccount: "40702810900000000777",
                          purpose: "Аренда", received: nil),
    ]), .windows1251)

    @Test func matchedPaymentsPayTheInvoiceAndASecondImportAddsNothing() throws {
        let (fixture, invoice) = try prepared()
        let crm = fixture.crm
        let first = try crm.bank.importPayments(format: "1c-bank", source: .bytes(Self.statement), by: .user(1))
        #expect(first["payments"] == 4 && first["matched"] == 2 && first["unmatched"] == 1 && first["duplicates"] == 0)
        #expect(first["items"]?.arrayValue?.map { $0["status"]?.stringValue ?? "" } == ["matched", "matched", "unmatched", "skipped"])
        let paid = try crm.invoices.get(invoice.id)
        #expect(paid["status"] == "paid" && paid["paid"] == "31500.00")
        #expect(paid["payments"]?.arrayValue?.map { $0["source"] } == ["bank", "bank"])
        #expect(paid["payments"]?.arrayValue?.first?["reference"] == "п/п № 118 от 20.11.2026")
        #expect(paid["payments"]?.arrayValue?.first?["date"] == "2026-11-21")

        let again = try crm.bank.importPayments(format: "1c-bank", source: .bytes(Self.statement), by: .user(1))
        #expect(again["matched"] == 0 && again["unmatched"] == 0 && again["duplicates"] == 3)
        #expect(again["items"]?.arrayValue?.map { $0["paymentId"] } == first["items"]?.arrayValue?.map { $0["paymentId"] })
        #expect(try crm.invoices.get(invoice.id)["payments"]?.arrayValue?.count == 2)
        let review = try crm.bank.unmatched(limit: 10, cursor: nil)
        #expect(review["items"]?.arrayValue?.map { $0["number"] } == ["120"])
    }

    /// A statement applied a few payments per write gives what one write gives: each payment sees
    /// those before it (two halves of one invoice across a write's end, a payment repeated in the
    /// same file), and the items, counts and invoices come out the same.
    @Test(arguments: [1, 2, 3])
    func paymentsPerWriteChangeNothing(_ perWrite: Int) throws {
        let lines = BankFile.lines([
            BankFile.document(number: "301", amount: "15750.00", purpose: "Оплата по счету № 2026-00001 от 20.11.2026, первая половина"),
            BankFile.document(number: "302", amount: "15750.00", purpose: "Оплата по счету № 2026-00001 от 20.11.2026, вторая половина"),
            BankFile.document(number: "301", amount: "15750.00", purpose: "Оплата по счету № 2026-00001 от 20.11.2026, первая половина"),
            BankFile.document(number: "303", amount: "100.00", purpose: "Оплата по счету № 2026-00001 от 20.11.2026"),
            BankFile.document(number: "9", amount: "100.00", payerAccount: "40702810801400016513", recipientAccount: "40702810900000000777",
                              purpose: "Перевод между своими счетами"),
        ])
        var results: [JSON] = []
        var invoices: [JSON] = []
        for size in [perWrite, BankImportService.paymentsPerWrite] {
            let (fixture, invoice) = try prepared()
            results.append(try fixture.crm.bank.importPayments(format: "1c-bank", source: .bytes(BankFile.bytes(lines, .windows1251)), by: .user(1),
                                                               paymentsPerWrite: size))
            invoices.append(try fixture.crm.invoices.get(try #require(invoice["id"]?.int64Value)))
        }
        #expect(results[0] == results[1])
        #expect(results[0]["matched"] == 2 && results[0]["duplicates"] == 1 && results[0]["unmatched"] == 1)
        #expect(results[0]["items"]?.arrayValue?.map { $0["status"] } == ["matched", "matched", "duplicate", "unmatched", "skipped"])
        #expect(invoices[0]["status"] == "paid" && invoices[0]["paid"] == invoices[1]["paid"] && invoices[0]["status"] == invoices[1]["status"])
    }

    @Test func anUnmatchedPaymentIsMatchedOrIgnoredOnce() throws {
        let (fixture, invoice) = try prepared()
        let crm = fixture.crm
        let lines = BankFile.lines([
            BankFile.document(number: "201", amount: "500.00", payerINN: "7736207543", purpose: "За Петрова"),
            BankFile.document(number: "202", amount: "10.00", payerINN: "7736207543", purpose: "Ошибочный платёж"),
        ])
        let result = try crm.bank.importPayments(format: "1c-bank", source: .bytes(BankFile.bytes(lines, .utf8)), by: .user(1))
        #expect(result["unmatched"] == 2 && result["encoding"] == "utf8")
        let ids = result["items"]?.arrayValue?.compactMap { $0["paymentId"]?.int64Value } ?? []
        let page = try crm.bank.unmatched(limit: 1, cursor: nil)
        #expect(page["items"]?.arrayValue?.first?["id"] == .int(ids[0]))
        let next = try crm.bank.unmatched(limit: 1, cursor: page["next"]?.stringValue)
        #expect(next["items"]?.arrayValue?.first?["id"] == .int(ids[1]) && next["next"] == .null)

        let matched = try crm.bank.match(paymentID: ids[0], invoiceID: invoice.id, by: .user(1))
        #expect(matched["payment"]?["status"] == "matched" && matched["invoice"]?["status"] == "partiallyPaid")
        #expect(throws: CRMError.conflict(reason: "matched", details: ["status": "matched", "invoiceId": .int(invoice.id)])) {
            try crm.bank.match(paymentID: ids[0], invoiceID: invoice.id, by: .user(1))
        }
        let ignored = try crm.bank.ignore(paymentID: ids[1], reason: "вернуть", by: .user(1))
        #expect(ignored["status"] == "ignored" && ignored["ignoreReason"] == "вернуть")
        #expect(throws: CRMError.self) { try crm.bank.ignore(paymentID: ids[1], reason: nil, by: .user(1)) }
        #expect(try crm.bank.unmatched(limit: 10, cursor: nil)["items"]?.arrayValue?.isEmpty == true)
    }

    @Test func aFileThatIsNotAStatementChangesNothing() throws {
        let (fixture, _) = try prepared()
        #expect(throws: CRMError.invalidValue(field: "data", reason: "noEndOfFile", message: "line 2: the file ends without КонецФайла: it may be cut short")) {
            try fixture.crm.bank.importPayments(format: "1c-bank", source: .bytes(Array("1CClientBankExchange\r\n".utf8)), by: .user(1))
        }
        #expect(throws: CRMError.invalidValue(field: "path", reason: "outsideImportDirs",
                                              message: "files can be imported only from the directories listed in importDirs of crmd's config file, and none is listed")) {
            try fixture.crm.bank.importPayments(format: "1c-bank", source: .path("/etc/passwd"), by: .user(1))
        }
    }
}
